// More of Ansible's own filters (lib/ansible/plugins/filter/core.py, mathstuff.py, urlsplit.py, urls.py) and the
// Jinja2 builtins whose nunjucks versions give other values (groupby, format, center, wordwrap, filesizeformat,
// tojson). filters.ts has the everyday ones; buildFilters() merges these in.
import { posix } from 'node:path';
import { argument, splitArgs } from './args.js';
import { isMapping, pyStr, pyTruthy, pyTypeName } from './python-values.js';
import { pyCompare, pyEquals } from './python-compare.js';
import { pyPercentFormat } from './python-format.js';
import { pyJsonDumps } from './python-json.js';
import { pyFloat } from './python-float.js';
import { pyStrftime } from './python-datetime.js';
import { ownAttribute } from './sandbox.js';
import { TemplateUndefined } from './undefined.js';
import type { FilterFunction } from './filters.js';

function listOf(value: unknown, filter: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return Object.keys(value);
  throw new Error(`${filter}: ${pyTypeName(value)} object is not iterable`);
}

/** itertools.product(*lists) */
function product(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, list) => acc.flatMap((left) => list.map((right) => [...left, right])), [[]]);
}

/** itertools.combinations(items, r), in Python's order */
function combinations(items: unknown[], size: number): unknown[][] {
  if (size > items.length || size < 0) return [];
  if (size === 0) return [[]];
  const out: unknown[][] = [];
  items.forEach((item, index) => {
    for (const rest of combinations(items.slice(index + 1), size - 1)) out.push([item, ...rest]);
  });
  return out;
}

/** itertools.permutations(items, r), in Python's order */
function permutations(items: unknown[], size: number): unknown[][] {
  if (size > items.length || size < 0) return [];
  if (size === 0) return [[]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)], size - 1).map((rest) => [item, ...rest]));
}

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment filter, parameter for parameter. */
function comment(text: string, style: string, options: Record<string, unknown>): string {
  const styleParams = COMMENT_STYLES[style];
  if (styleParams === undefined) throw new Error(`comment: unknown style '${style}'`);
  const prepostfix = 'decoration' in options ? pyStr(options['decoration']) : styleParams['decoration'] ?? '';
  const p: Record<string, string> = {
    newline: '\n', beginning: '', prefix: prepostfix.trimEnd(), prefix_count: '1', decoration: '',
    postfix: prepostfix.trimEnd(), postfix_count: '1', end: '', ...styleParams,
    ...Object.fromEntries(Object.entries(options).map(([k, v]) => [k, pyStr(v)])),
  };
  const newline = p['newline'] ?? '\n';
  const decoration = p['decoration'] ?? '';
  const beginning = p['beginning'] ? `${p['beginning']}${newline}` : '';
  const prefix = p['prefix'] ? (p['prefix'] !== newline ? `${p['prefix']}${newline}` : newline).repeat(Number(p['prefix_count'])) : '';
  const body = `${decoration}${text.split(newline).join(`${newline}${decoration}`)}`.split(`${decoration}${newline}`).join(`${decoration.trimEnd()}${newline}`);
  const postfix = ['', ...Array.from({ length: Number(p['postfix_count']) }, () => p['postfix'] ?? '')].join(newline);
  const end = p['end'] ? `${newline}${p['end']}` : '';
  return `${beginning}${prefix}${body}${postfix}${end}`;
}

/** Ansible's subelements filter: (item, subelement) pairs; unlike the lookup, the item keeps its list. */
function subelements(value: unknown, path: unknown, skipMissing: boolean): unknown[] {
  const items = Array.isArray(value) ? value : isMapping(value) ? Object.values(value) : undefined;
  if (items === undefined) throw new Error('obj must be a list of dicts or a nested dict');
  const keys = Array.isArray(path) ? path.map(String) : typeof path === 'string' ? path.split('.') : undefined;
  if (keys === undefined) throw new Error('subelements must be a list or a string');
  return items.flatMap((item) => {
    let values: unknown = item;
    for (const key of keys) {
      if (!isMapping(values)) throw new Error(`the key ${key} should point to a dictionary, got '${pyStr(values)}'`);
      if (!Object.prototype.hasOwnProperty.call(values, key)) {
        if (skipMissing) return [];
        throw new Error(`could not find '${key}' key in iterated item ${pyStr(values)}`);
      }
      values = values[key];
    }
    if (!Array.isArray(values)) throw new Error(`the key '${keys.join('.')}' should point to a list, got ${pyStr(values)}`);
    return values.map((sub) => [item, sub]);
  });
}

/** Jinja's groupby: [grouper, items] pairs sorted by the key, case-insensitively unless asked. */
function groupby(value: unknown, attribute: unknown, fallback: unknown, caseSensitive: boolean): unknown[] {
  const keyOf = (item: unknown): unknown => {
    const found = ownAttribute(item, attribute);
    return found instanceof TemplateUndefined ? (fallback === undefined ? found : fallback) : found;
  };
  const folded = (item: unknown): unknown => {
    const key = keyOf(item);
    return !caseSensitive && typeof key === 'string' ? key.toLowerCase() : key;
  };
  const sorted = [...listOf(value, 'groupby')].sort((a, b) => pyCompare(folded(a), folded(b)));
  const groups: Array<[unknown, unknown[]]> = [];
  for (const item of sorted) {
    const last = groups[groups.length - 1];
    if (last !== undefined && pyEquals(folded(last[1][0]), folded(item))) last[1].push(item);
    else groups.push([keyOf(item), [item]]);
  }
  return groups;
}

const SIZE_RANGES: Array<[string, number]> = [['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1]];

/** Ansible's bytes_to_human: '%.2f %s' with KB/MB... (or Kb/Mb... for bits). */
function humanReadable(size: number, isBits: boolean, unit: unknown): string {
  const base = isBits ? 'bits' : 'Bytes';
  let [suffix, limit] = SIZE_RANGES[SIZE_RANGES.length - 1] as [string, number];
  for (const [candidate, candidateLimit] of SIZE_RANGES) {
    if ((unit === undefined || unit === null) ? size >= candidateLimit : String(unit).toUpperCase() === candidate.charAt(0)) {
      [suffix, limit] = [candidate, candidateLimit];
      break;
    }
  }
  const label = limit !== 1 ? `${suffix}${base.charAt(0)}` : base;
  return `${(size / limit).toFixed(2)} ${label}`;
}

/** Python's urllib.parse.urlsplit, with the attributes Ansible's urlsplit filter returns. */
function urlsplit(value: string, query: string): unknown {
  const match = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
  const netloc = match?.[2] ?? '';
  const userinfo = netloc.includes('@') ? netloc.slice(0, netloc.lastIndexOf('@')) : undefined;
  const hostport = netloc.includes('@') ? netloc.slice(netloc.lastIndexOf('@') + 1) : netloc;
  const hostMatch = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostport);
  const host = hostMatch?.[1] ?? '';
  const parts: Record<string, unknown> = {
    fragment: match?.[5] ?? '',
    hostname: host === '' ? null : host.replace(/^\[|\]$/g, '').toLowerCase(),
    netloc,
    password: userinfo !== undefined && userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : null,
    path: match?.[3] ?? '',
    port: hostMatch?.[2] !== undefined && hostMatch[2] !== '' ? Number(hostMatch[2]) : null,
    query: match?.[4] ?? '',
    scheme: (match?.[1] ?? '').toLowerCase(),
    username: userinfo === undefined ? null : userinfo.split(':')[0] ?? null,
  };
  if (query === '') return parts;
  if (!(query in parts)) throw new Error(`urlsplit: unknown URL component: ${query}`);
  return parts[query];
}

/** Python's textwrap-free center(): extra padding goes to the right when it cannot be split evenly. */
function center(text: string, width: number): string {
  if (text.length >= width) return text;
  const total = width - text.length;
  const left = Math.floor(total / 2) + (total % 2 === 1 && width % 2 === 1 ? 1 : 0);
  return ' '.repeat(left) + text + ' '.repeat(total - left);
}

function filesizeformat(value: number, binary: boolean): string {
  const base = binary ? 1024 : 1000;
  const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (value === 1) return '1 Byte';
  if (value < base) return `${value} Bytes`;
  let unit = base;
  let label = prefixes[0] ?? '';
  for (const [index, prefix] of prefixes.entries()) {
    unit = base ** (index + 2);
    label = prefix;
    if (value < unit) break;
  }
  return `${((base * value) / unit).toFixed(1)} ${label}`;
}

export function ansibleFilters(): Record<string, FilterFunction> {
  return {
    // Jinja's format: printf style, with the arguments (or the keyword arguments) as Python's % takes them
    format: (value, ...rest) => {
      const args = splitArgs(rest);
      return pyPercentFormat(pyStr(value), Object.keys(args.keywords).length > 0 ? args.keywords : args.positional);
    },
    subelements: (value, ...rest) => {
      const args = splitArgs(rest);
      return subelements(value, argument(args, 0, 'subelements', undefined), pyTruthy(argument(args, 1, 'skip_missing', false)));
    },
    product: (value, ...rest) => {
      const args = splitArgs(rest);
      const lists = [value, ...args.positional].map((list) => listOf(list, 'product'));
      const repeat = Number(args.keywords['repeat'] ?? 1);
      return product(Array.from({ length: repeat }, () => lists).flat());
    },
    combinations: (value, size) => combinations(listOf(value, 'combinations'), Number(size)),
    permutations: (value, size) => {
      const items = listOf(value, 'permutations');
      return permutations(items, size === undefined || size === null ? items.length : Number(size));
    },
    comment: (value, ...rest) => {
      const args = splitArgs(rest);
      return comment(pyStr(value), String(argument(args, 0, 'style', 'plain')), args.keywords);
    },
    groupby: (value, ...rest) => {
      const args = splitArgs(rest);
      return groupby(value, argument(args, 0, 'attribute', undefined), argument(args, 1, 'default', undefined), pyTruthy(argument(args, 2, 'case_sensitive', false)));
    },
    to_json: (value, ...rest) => {
      const args = splitArgs(rest);
      return pyJsonDumps(value, {
        indent: args.keywords['indent'] as number | undefined,
        sortKeys: pyTruthy(args.keywords['sort_keys'] ?? false),
        ensureAscii: pyTruthy(args.keywords['ensure_ascii'] ?? true),
        separators: args.keywords['separators'] as [string, string] | undefined,
      });
    },
    to_nice_json: (value, ...rest) => {
      const args = splitArgs(rest);
      return pyJsonDumps(value, {
        indent: Number(argument(args, 0, 'indent', 4)),
        sortKeys: pyTruthy(argument(args, 1, 'sort_keys', true)),
        ensureAscii: pyTruthy(args.keywords['ensure_ascii'] ?? true),
        separators: [',', ': '],
      });
    },
    // Jinja's tojson: keys sorted, and <, >, &, ' escaped so that it is safe inside HTML
    tojson: (value, ...rest) => pyJsonDumps(value, { sortKeys: true, indent: argument(splitArgs(rest), 0, 'indent', undefined) as number | undefined })
      .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027'),
    strftime: (value, ...rest) => {
      const args = splitArgs(rest);
      const second = argument(args, 0, 'second', undefined);
      return pyStrftime(pyStr(value), second === undefined || second === null ? Date.now() / 1000 : Number(second), pyTruthy(argument(args, 1, 'utc', false)));
    },
    log: (value, base) => {
      const x = Number(value);
      if (base === undefined) return pyFloat(Math.log(x));
      return pyFloat(Number(base) === 10 ? Math.log10(x) : Math.log(x) / Math.log(Number(base)));
    },
    pow: (value, exponent) => pyFloat(Number(value) ** Number(exponent)),
    root: (value, base = 2) => pyFloat(Number(base) === 2 ? Math.sqrt(Number(value)) : Number(value) ** (1 / Number(base))),
    human_readable: (value, ...rest) => {
      const args = splitArgs(rest);
      return humanReadable(Number(value), pyTruthy(argument(args, 0, 'isbits', false)), argument(args, 1, 'unit', undefined));
    },
    path_join: (value) => {
      if (typeof value === 'string') return value;
      if (!Array.isArray(value)) throw new Error(`|path_join expects string or sequence, got ${pyTypeName(value)} instead.`);
      // os.path.join: an absolute part starts the path again
      return value.map(pyStr).reduce((joined, part) => (part.startsWith('/') || joined === '' ? part : joined.endsWith('/') ? joined + part : `${joined}/${part}`), '');
    },
    normpath: (value) => posix.normalize(pyStr(value)),
    urlsplit: (value, query = '') => urlsplit(pyStr(value), pyStr(query)),
    urldecode: (value) => decodeURIComponent(pyStr(value).replace(/\+/g, ' ')),
    center: (value, width = 80) => center(pyStr(value), Number(width)),
    filesizeformat: (value, binary = false) => filesizeformat(Number(value), pyTruthy(binary)),
  };
}
