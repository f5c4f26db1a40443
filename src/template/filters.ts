// Ansible's filters (the ones playbooks use day to day), with Python/Jinja semantics. Each receives the piped value
// first; keyword arguments arrive through splitArgs. Undefined input is rejected by the wrapper in templater.ts,
// except for the filters listed in ACCEPTS_UNDEFINED.
import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { quote } from '../util/shell.js';
import { argument, splitArgs } from './args.js';
import { TemplateUndefined } from './undefined.js';
import { isMapping, pyStr, pyTruthy, pyTypeName } from './python-values.js';
import { pyCompare, pyEquals } from './python-compare.js';
import { isPlainMapping, ownAttribute } from './sandbox.js';
import { pythonRegExp, pythonReplacement } from './python-regex.js';
import { randomSalt, sha512Crypt } from './sha512-crypt.js';
import { ansibleFilters } from './filters-ansible.js';
import { PyRandom } from './python-random.js';
import { PyFloat, pyFloat, pyToFixed } from './python-float.js';

export type FilterFunction = (value: unknown, ...args: unknown[]) => unknown;
export type TestFunction = (value: unknown, ...args: unknown[]) => boolean;

/** How map/select reach other filters and tests by name. */
export interface FilterLookup {
  filter(name: string): FilterFunction;
  test(name: string): TestFunction;
}

const ANSIBLE_UUID_NAMESPACE = '361E6D51-FAEC-444A-9079-341386DA8E2E';

export const ACCEPTS_UNDEFINED = new Set(['default', 'd', 'mandatory']);

function sequence(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return Object.keys(value);
  if (value === null || value === undefined) return [];
  if (typeof value === 'object' && Symbol.iterator in value) return [...(value as Iterable<unknown>)];
  throw new Error(`${pyTypeName(value)} object is not iterable`);
}

/** `attribute='a.b'` or an index, as Jinja's make_attrgetter resolves it (own data only: the sandbox's rule). */
const getAttribute = ownAttribute;

function getAttributeOrIndex(container: unknown, key: unknown): unknown {
  if (Array.isArray(container) && typeof key === 'number') return container[key] ?? new TemplateUndefined(`list index ${key} out of range`);
  if (isPlainMapping(container) && Object.prototype.hasOwnProperty.call(container, String(key))) return container[String(key)];
  return new TemplateUndefined(`'${pyTypeName(container)} object' has no attribute '${String(key)}'`);
}

function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1;
  if (typeof value === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(value.trim().toLowerCase());
  return false;
}

function toInt(value: unknown, fallback: unknown = 0, base: unknown = 10): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  const text = String(value).trim().toLowerCase().replace(/_/g, '');
  const radix = Number(base);
  const prefixed = /^([+-]?)0([xob])([0-9a-f]+)$/.exec(text);
  if (prefixed && (radix === 0 || radix !== 10)) {
    const parsed = parseInt(prefixed[3] ?? '', { x: 16, o: 8, b: 2 }[prefixed[2] as 'x' | 'o' | 'b']);
    return prefixed[1] === '-' ? -parsed : parsed;
  }
  const pattern = radix === 16 ? /^[+-]?[0-9a-f]+$/ : radix === 8 ? /^[+-]?[0-7]+$/ : radix === 2 ? /^[+-]?[01]+$/ : /^[+-]?\d+$/;
  if (pattern.test(text)) return parseInt(text, radix === 0 ? 10 : radix);
  if (radix === 10 && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(text)) return Math.trunc(Number(text));
  return fallback;
}

function toFloat(value: unknown, fallback: unknown = 0): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isNaN(number) || String(value).trim() === '' ? fallback : number;
}

function sortKey(item: unknown, attribute: unknown, caseSensitive: boolean): unknown {
  const keyed = attribute === undefined || attribute === null ? item : getAttribute(item, attribute);
  return typeof keyed === 'string' && !caseSensitive ? keyed.toLowerCase() : keyed;
}

/** An own property even for '__proto__' (combine of host JSON must not set a prototype). */
function put(mapping: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(mapping, key, { value, enumerable: true, writable: true, configurable: true });
}

function deepCombine(base: Record<string, unknown>, extra: Record<string, unknown>, recursive: boolean, listMerge: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const existing = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
    if (recursive && isMapping(existing) && isMapping(value)) put(out, key, deepCombine(existing, value, recursive, listMerge));
    else if (Array.isArray(existing) && Array.isArray(value) && listMerge !== 'replace') {
      if (listMerge === 'append') put(out, key, [...existing, ...value]);
      else if (listMerge === 'prepend') put(out, key, [...value, ...existing]);
      else if (listMerge === 'append_rp') put(out, key, [...existing.filter((x) => !value.some((v) => pyEquals(v, x))), ...value]);
      else if (listMerge === 'prepend_rp') put(out, key, [...value, ...existing.filter((x) => !value.some((v) => pyEquals(v, x)))]);
      else put(out, key, value);
    } else put(out, key, value);
  }
  return out;
}

/** Ansible's flatten: skip_nulls also drops the strings 'None' and 'null', as its `element in (None, 'None', 'null')` */
function flatten(items: unknown[], levels: number | undefined, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (skipNulls && (item === null || item === undefined || item === 'None' || item === 'null')) continue;
    if (Array.isArray(item) && (levels === undefined || levels > 0)) out.push(...flatten(item, levels === undefined ? undefined : levels - 1, skipNulls));
    else out.push(item);
  }
  return out;
}

function uniqueList(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((seen) => pyEquals(seen, item))) out.push(item);
  return out;
}

/** Python's Random(seed) for a seed, as Ansible's rand uses it; without one, a generator seeded at random. */
function generator(seed: unknown): PyRandom {
  return new PyRandom(seed === undefined || seed === null ? randomBytes(32).toString('hex') : seed);
}

function roundNumber(value: number, precision: number, method: string): number {
  const factor = 10 ** precision;
  if (method === 'ceil') return Math.ceil(value * factor) / factor;
  if (method === 'floor') return Math.floor(value * factor) / factor;
  // Python's round(): ties go to the even neighbour (round(2.5) == 2), other values to the nearest
  return precision >= 0 ? Number(pyToFixed(value, precision)) : Math.round(value * factor) / factor;
}

function regexGroups(match: RegExpExecArray, wanted: unknown[]): unknown[] {
  return wanted.map((group) => {
    const ref = String(group);
    const numbered = /^\\(\d+)$/.exec(ref);
    if (numbered) return match[Number(numbered[1])] ?? null;
    const named = /^\\g<(\w+)>$/.exec(ref);
    if (named?.[1] !== undefined) return match.groups?.[named[1]] ?? null;
    throw new Error(`regex_search: unknown group reference ${ref}`);
  });
}

function hashValue(value: unknown, algorithm: string): string {
  const name = algorithm === 'sha' ? 'sha1' : algorithm;
  return createHash(name).update(pyStr(value)).digest('hex');
}

export function buildFilters(lookup: FilterLookup): Record<string, FilterFunction> {
  const filters: Record<string, FilterFunction> = {
    default: (value, ...rest) => {
      const args = splitArgs(rest);
      const fallback = argument(args, 0, 'default_value', '');
      const onFalse = pyTruthy(argument(args, 1, 'boolean', false));
      if (value instanceof TemplateUndefined) return fallback;
      if (onFalse && !pyTruthy(value)) return fallback;
      return value;
    },
    mandatory: (value, ...rest) => {
      if (value instanceof TemplateUndefined) {
        const message = argument(splitArgs(rest), 0, 'msg', undefined);
        throw new Error(message === undefined ? `Mandatory variable has not been defined: ${value.reason}` : String(message));
      }
      return value;
    },
    bool: (value) => toBool(value),
    int: (value, ...rest) => {
      const args = splitArgs(rest);
      return toInt(value instanceof PyFloat ? value.value : value, argument(args, 0, 'default', 0), argument(args, 1, 'base', 10));
    },
    float: (value, ...rest) => {
      const converted = toFloat(value instanceof PyFloat ? value.value : value, argument(splitArgs(rest), 0, 'default', 0));
      return typeof converted === 'number' ? pyFloat(converted) : converted;
    },
    string: (value) => pyStr(value),
    lower: (value) => pyStr(value).toLowerCase(),
    upper: (value) => pyStr(value).toUpperCase(),
    capitalize: (value) => {
      const text = pyStr(value);
      return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
    },
    trim: (value) => pyStr(value).trim(),
    join: (value, ...rest) => {
      const args = splitArgs(rest);
      const separator = String(argument(args, 0, 'd', ''));
      const attribute = argument(args, 1, 'attribute', undefined);
      return sequence(value).map((item) => pyStr(attribute === undefined ? item : getAttribute(item, attribute))).join(separator);
    },
    length: (value) => sequence(value).length,
    first: (value) => {
      const items = sequence(value);
      return items.length > 0 ? items[0] : new TemplateUndefined('No first item, sequence was empty.');
    },
    last: (value) => {
      const items = sequence(value);
      return items.length > 0 ? items[items.length - 1] : new TemplateUndefined('No last item, sequence was empty.');
    },
    unique: (value) => uniqueList(sequence(value)),
    sort: (value, ...rest) => {
      const args = splitArgs(rest);
      const reverse = pyTruthy(argument(args, 0, 'reverse', false));
      const caseSensitive = pyTruthy(argument(args, 1, 'case_sensitive', false));
      const attribute = argument(args, 2, 'attribute', undefined);
      const sorted = [...sequence(value)].sort((a, b) => pyCompare(sortKey(a, attribute, caseSensitive), sortKey(b, attribute, caseSensitive)));
      return reverse ? sorted.reverse() : sorted;
    },
    reverse: (value) => (typeof value === 'string' ? [...value].reverse().join('') : [...sequence(value)].reverse()),
    map: (value, ...rest) => {
      const args = splitArgs(rest);
      const items = sequence(value);
      if ('attribute' in args.keywords) {
        const hasDefault = 'default' in args.keywords;
        return items.map((item) => {
          const found = getAttribute(item, args.keywords.attribute);
          return found instanceof TemplateUndefined && hasDefault ? args.keywords.default : found;
        });
      }
      const [name, ...filterArgs] = args.positional;
      if (typeof name !== 'string') throw new Error('map: expected a filter name or attribute=');
      const filter = lookup.filter(name);
      return items.map((item) => filter(item, ...filterArgs));
    },
    select: (value, ...rest) => selectItems(lookup, value, rest, true, false),
    reject: (value, ...rest) => selectItems(lookup, value, rest, false, false),
    selectattr: (value, ...rest) => selectItems(lookup, value, rest, true, true),
    rejectattr: (value, ...rest) => selectItems(lookup, value, rest, false, true),
    from_json: (value) => JSON.parse(pyStr(value)) as unknown,
    to_yaml: (value) => stringifyYaml(value, { indent: 2, lineWidth: 0 }),
    to_nice_yaml: (value, ...rest) => stringifyYaml(value, { indent: Number(argument(splitArgs(rest), 0, 'indent', 4)), lineWidth: 0 }),
    from_yaml: (value) => parseYaml(pyStr(value)) as unknown,
    regex_replace: (value, ...rest) => {
      const args = splitArgs(rest);
      const pattern = String(argument(args, 0, 'pattern', ''));
      const replacement = pythonReplacement(String(argument(args, 1, 'replacement', '')));
      const regex = pythonRegExp(pattern, {
        ignoreCase: pyTruthy(argument(args, 2, 'ignorecase', false)),
        multiline: pyTruthy(argument(args, 3, 'multiline', false)),
        global: true,
      });
      return pyStr(value).replace(regex, replacement);
    },
    regex_search: (value, ...rest) => {
      const args = splitArgs(rest);
      const pattern = String(args.positional[0] ?? '');
      const regex = pythonRegExp(pattern, { ignoreCase: pyTruthy(args.keywords.ignorecase ?? false), multiline: pyTruthy(args.keywords.multiline ?? false) });
      const match = regex.exec(pyStr(value));
      if (!match) return null;
      const groups = args.positional.slice(1);
      return groups.length > 0 ? regexGroups(match, groups) : match[0];
    },
    regex_findall: (value, ...rest) => {
      const args = splitArgs(rest);
      const regex = pythonRegExp(String(args.positional[0] ?? ''), {
        ignoreCase: pyTruthy(args.keywords.ignorecase ?? false),
        multiline: pyTruthy(args.keywords.multiline ?? false),
        global: true,
      });
      return [...pyStr(value).matchAll(regex)].map((m) => (m.length === 1 ? m[0] : m.length === 2 ? m[1] : m.slice(1)));
    },
    regex_escape: (value, reType = 'python') => {
      // Python's re.escape (3.7+) escapes exactly these; posix_basic the BRE specials
      if (reType === 'posix_basic') return pyStr(value).replace(/[\].[^$*\\]/g, '\\$&');
      if (reType !== 'python') throw new Error(`Invalid regex type (${pyStr(reType)})`);
      return pyStr(value).replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (ch) => `\\${ch}`);
    },
    replace: (value, from, to, count) => {
      const text = pyStr(value);
      const pieces = text.split(pyStr(from));
      const limit = typeof count === 'number' && count >= 0 ? count : Infinity;
      if (pieces.length - 1 <= limit) return pieces.join(pyStr(to));
      return pieces.slice(0, limit + 1).join(pyStr(to)) + pyStr(from) + pieces.slice(limit + 1).join(pyStr(from));
    },
    b64encode: (value) => Buffer.from(pyStr(value), 'utf8').toString('base64'),
    b64decode: (value) => Buffer.from(pyStr(value), 'base64').toString('utf8'),
    basename: (value) => posix.basename(pyStr(value)),
    dirname: (value) => posix.dirname(pyStr(value)),
    splitext: (value) => {
      const text = pyStr(value);
      const ext = posix.extname(text);
      return [text.slice(0, text.length - ext.length), ext];
    },
    quote: (value) => quote(pyStr(value)),
    dict2items: (value, ...rest) => {
      const args = splitArgs(rest);
      if (!isMapping(value)) throw new Error(`dict2items requires a dictionary, got ${pyTypeName(value)}`);
      const keyName = String(argument(args, 0, 'key_name', 'key'));
      const valueName = String(argument(args, 1, 'value_name', 'value'));
      return Object.entries(value).map(([k, v]) => ({ [keyName]: k, [valueName]: v }));
    },
    items2dict: (value, ...rest) => {
      const args = splitArgs(rest);
      const keyName = String(argument(args, 0, 'key_name', 'key'));
      const valueName = String(argument(args, 1, 'value_name', 'value'));
      return Object.fromEntries(
        sequence(value).map((item) => {
          if (!isMapping(item)) throw new Error('items2dict requires a list of dictionaries');
          return [pyStr(item[keyName]), item[valueName]];
        }),
      );
    },
    combine: (value, ...rest) => {
      const args = splitArgs(rest);
      const recursive = pyTruthy(args.keywords.recursive ?? false);
      const listMerge = String(args.keywords.list_merge ?? 'replace');
      const dicts = [value, ...args.positional].flatMap((d) => (Array.isArray(d) ? d : [d]));
      return dicts.reduce<Record<string, unknown>>((acc, d) => {
        if (!isMapping(d)) throw new Error(`combine expects dictionaries, got ${pyTypeName(d)}`);
        return deepCombine(acc, d, recursive, listMerge);
      }, {});
    },
    flatten: (value, ...rest) => {
      const args = splitArgs(rest);
      const levels = argument(args, 0, 'levels', undefined);
      return flatten(sequence(value), typeof levels === 'number' ? levels : undefined, pyTruthy(argument(args, 1, 'skip_nulls', true)));
    },
    zip: (value, ...others) => {
      const lists = [sequence(value), ...others.map(sequence)];
      const length = Math.min(...lists.map((l) => l.length));
      return Array.from({ length }, (_, i) => lists.map((l) => l[i]));
    },
    zip_longest: (value, ...rest) => {
      const args = splitArgs(rest);
      const lists = [sequence(value), ...args.positional.map(sequence)];
      const length = Math.max(...lists.map((l) => l.length));
      return Array.from({ length }, (_, i) => lists.map((l) => (i < l.length ? l[i] : (args.keywords.fillvalue ?? null))));
    },
    min: (value, ...rest) => extreme(value, rest, -1),
    max: (value, ...rest) => extreme(value, rest, 1),
    sum: (value, ...rest) => {
      const args = splitArgs(rest);
      const attribute = argument(args, 0, 'attribute', undefined);
      const start = Number(argument(args, 1, 'start', 0));
      return sequence(value).reduce<number>((acc, item) => acc + Number(attribute === undefined ? item : getAttribute(item, attribute)), start);
    },
    abs: (value) => (value instanceof PyFloat ? pyFloat(Math.abs(value.value)) : Math.abs(Number(value))),
    // Jinja's round always gives a float: {{ 3 | round }} is 3.0
    round: (value, ...rest) => {
      const args = splitArgs(rest);
      return pyFloat(roundNumber(Number(value), Number(argument(args, 0, 'precision', 0)), String(argument(args, 1, 'method', 'common'))));
    },
    password_hash: (value, ...rest) => {
      const args = splitArgs(rest);
      const scheme = String(argument(args, 0, 'hashtype', 'sha512'));
      if (scheme !== 'sha512' && scheme !== 'sha512_crypt') throw new Error(`password_hash: only 'sha512' is supported, not '${scheme}'`);
      const salt = argument(args, 1, 'salt', undefined);
      const rounds = argument(args, 2, 'rounds', 5000);
      return sha512Crypt(pyStr(value), salt === undefined || salt === null ? randomSalt() : pyStr(salt), Number(rounds));
    },
    hash: (value, algorithm = 'sha1') => hashValue(value, pyStr(algorithm)),
    checksum: (value) => hashValue(value, 'sha1'),
    md5: (value) => hashValue(value, 'md5'),
    sha1: (value) => hashValue(value, 'sha1'),
    ternary: (value, whenTrue, whenFalse, whenNone) => {
      if ((value === null || value === undefined) && whenNone !== undefined) return whenNone;
      return pyTruthy(value) ? whenTrue : whenFalse;
    },
    random: (value, ...rest) => {
      const args = splitArgs(rest);
      const random = generator(args.keywords.seed);
      if (typeof value === 'number') {
        const start = Number(argument(args, 0, 'start', 0) ?? 0) || 0;
        const step = Number(argument(args, 1, 'step', 1) ?? 1) || 1;
        return random.randrange(start, value, step);
      }
      return random.choice(sequence(value));
    },
    shuffle: (value, ...rest) => generator(splitArgs(rest).keywords.seed).shuffle([...sequence(value)]),
    split: (value, separator, max) => {
      const text = pyStr(value);
      const limit = typeof max === 'number' && max >= 0 ? max : Infinity;
      const pieces = separator === undefined || separator === null ? text.trim().split(/\s+/).filter((w) => w !== '') : text.split(pyStr(separator));
      return pieces.length - 1 <= limit ? pieces : [...pieces.slice(0, limit), pieces.slice(limit).join(pyStr(separator ?? ' '))];
    },
    list: (value) => [...sequence(value)],
    type_debug: (value) => pyTypeName(value),
    dict: (value) => Object.fromEntries(sequence(value).map((pair) => sequence(pair).slice(0, 2) as [string, unknown])),
    items: (value) => (isMapping(value) ? Object.entries(value) : sequence(value)),
    difference: (value, other) => uniqueList(sequence(value).filter((x) => !sequence(other).some((y) => pyEquals(x, y)))),
    intersect: (value, other) => uniqueList(sequence(value).filter((x) => sequence(other).some((y) => pyEquals(x, y)))),
    union: (value, other) => uniqueList([...sequence(value), ...sequence(other)]),
    symmetric_difference: (value, other) => {
      const a = sequence(value);
      const b = sequence(other);
      return uniqueList([...a.filter((x) => !b.some((y) => pyEquals(x, y))), ...b.filter((y) => !a.some((x) => pyEquals(x, y)))]);
    },
    // groups['web'] | map('extract', hostvars, 'ansible_host'): look each item up in a container
    extract: (value, container, morekeys) => {
      let found: unknown = getAttributeOrIndex(container, value);
      for (const key of morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys]) found = getAttributeOrIndex(found, key);
      return found;
    },
    // uuid5 in Ansible's own namespace (UUID_NAMESPACE_ANSIBLE), or the one given
    to_uuid: (value, namespace = ANSIBLE_UUID_NAMESPACE) => {
      const hex = createHash('sha1').update(Buffer.from(pyStr(namespace).replace(/-/g, ''), 'hex')).update(pyStr(value)).digest('hex');
      const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
    },
    ...ansibleFilters(),
  };
  filters.d = filters.default as FilterFunction;
  filters.count = filters.length as FilterFunction;
  return filters;
}

function extreme(value: unknown, rest: unknown[], direction: 1 | -1): unknown {
  const args = splitArgs(rest);
  const attribute = args.keywords.attribute;
  const items = sequence(value);
  if (items.length === 0) return new TemplateUndefined('No aggregated item, sequence was empty.');
  const key = (item: unknown): unknown => (attribute === undefined ? item : getAttribute(item, attribute));
  return items.reduce((best, item) => (pyCompare(key(item), key(best)) * direction > 0 ? item : best));
}

function selectItems(lookup: FilterLookup, value: unknown, rest: unknown[], keep: boolean, byAttribute: boolean): unknown[] {
  const args = splitArgs(rest);
  const [first, ...others] = args.positional;
  const attribute = byAttribute ? first : undefined;
  const [testName, ...testArgs] = byAttribute ? others : args.positional;
  const test = testName === undefined ? (v: unknown): boolean => pyTruthy(v) : lookup.test(String(testName));
  return sequence(value).filter((item) => {
    const subject = byAttribute ? getAttribute(item, attribute) : item;
    if (byAttribute && subject instanceof TemplateUndefined && testName !== 'undefined' && testName !== 'defined') return !keep;
    return test(subject, ...testArgs) === keep;
  });
}
