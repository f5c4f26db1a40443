// The Python methods Ansible playbooks call on values: str (`item.split('=')[0]`, `name.startswith('web')`), list
// (`l.append(x)`, `l.index(x)`) and dict (`d.items()`, `d.get('k', 1)`). These tables are the ONLY methods a template
// can reach (src/template/sandbox.ts): each works on own data properties, never on JavaScript's prototypes.
import { pyEquals } from './python-compare.js';
import { pyStrFormat } from './python-format.js';
import { splitArgs } from './args.js';

export type Method = (...args: unknown[]) => unknown;

function stripChars(text: string, chars: unknown, side: 'both' | 'left' | 'right'): string {
  if (chars === undefined || chars === null) {
    return side === 'both' ? text.trim() : side === 'left' ? text.trimStart() : text.trimEnd();
  }
  const set = new Set(String(chars));
  let start = 0;
  let end = text.length;
  if (side !== 'right') while (start < end && set.has(text.charAt(start))) start += 1;
  if (side !== 'left') while (end > start && set.has(text.charAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

function pySplit(text: string, separator: unknown, maxSplit: unknown): string[] {
  const limit = typeof maxSplit === 'number' && maxSplit >= 0 ? maxSplit : Infinity;
  if (separator === undefined || separator === null) {
    const words = text.trim().split(/\s+/).filter((w) => w !== '');
    if (limit === Infinity || words.length <= limit) return words;
    // re-split keeping the remainder intact, as Python does
    const parts: string[] = [];
    let rest = text.trimStart();
    for (let i = 0; i < limit; i += 1) {
      const match = /^(\S+)\s+/.exec(rest);
      if (!match || match[1] === undefined) break;
      parts.push(match[1]);
      rest = rest.slice(match[0].length);
    }
    return [...parts, rest];
  }
  const sep = String(separator);
  const pieces = text.split(sep);
  if (pieces.length - 1 <= limit) return pieces;
  return [...pieces.slice(0, limit), pieces.slice(limit).join(sep)];
}

function startsOrEnds(text: string, affix: unknown, check: (t: string, a: string) => boolean): boolean {
  return Array.isArray(affix) ? affix.some((a) => check(text, String(a))) : check(text, String(affix));
}

const methods: Record<string, (text: string) => Method> = {
  startswith: (t) => (prefix) => startsOrEnds(t, prefix, (x, a) => x.startsWith(a)),
  endswith: (t) => (suffix) => startsOrEnds(t, suffix, (x, a) => x.endsWith(a)),
  split: (t) => (sep, max) => pySplit(t, sep, max),
  splitlines: (t) => () => t.split(/\r?\n/).filter((line, i, all) => !(i === all.length - 1 && line === '')),
  strip: (t) => (chars) => stripChars(t, chars, 'both'),
  lstrip: (t) => (chars) => stripChars(t, chars, 'left'),
  rstrip: (t) => (chars) => stripChars(t, chars, 'right'),
  upper: (t) => () => t.toUpperCase(),
  lower: (t) => () => t.toLowerCase(),
  capitalize: (t) => () => t.charAt(0).toUpperCase() + t.slice(1).toLowerCase(),
  title: (t) => () => t.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  replace: (t) => (from, to) => t.split(String(from)).join(String(to)),
  find: (t) => (sub) => t.indexOf(String(sub)),
  count: (t) => (sub) => t.split(String(sub)).length - 1,
  join: (t) => (items) => (Array.isArray(items) ? items.map(String).join(t) : ''),
  isdigit: (t) => () => /^\d+$/.test(t),
  isalpha: (t) => () => /^[A-Za-z]+$/.test(t),
  format: (t) => (...raw) => {
    const args = splitArgs(raw);
    return pyStrFormat(t, args.positional, args.keywords);
  },
};

export function stringMethod(text: string, name: string): Method | undefined {
  const make = Object.prototype.hasOwnProperty.call(methods, name) ? methods[name] : undefined;
  return make ? make(text) : undefined;
}

function ownValue(mapping: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(mapping, key) ? mapping[key] : undefined;
}

/** A write that defines an own property even for names such as `__proto__` (never reaches a prototype). */
function put(mapping: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(mapping, key, { value, enumerable: true, writable: true, configurable: true });
}

function positionIn(list: unknown[], index: unknown, method: string): number {
  const wanted = index === undefined || index === null ? -1 : Number(index);
  const position = wanted < 0 ? list.length + wanted : wanted;
  if (!Number.isInteger(position) || position < 0 || position >= list.length) throw new Error(`list.${method}(): index out of range`);
  return position;
}

function indexOfEqual(list: unknown[], value: unknown): number {
  return list.findIndex((item) => pyEquals(item, value));
}

const listMethods: Record<string, (list: unknown[]) => Method> = {
  append: (l) => (value) => { l.push(value); return null; },
  extend: (l) => (values) => { l.push(...(Array.isArray(values) ? values : [])); return null; },
  insert: (l) => (index, value) => { l.splice(Math.max(0, Math.min(l.length, Number(index) < 0 ? l.length + Number(index) : Number(index))), 0, value); return null; },
  pop: (l) => (index) => l.splice(positionIn(l, index, 'pop'), 1)[0],
  remove: (l) => (value) => {
    const position = indexOfEqual(l, value);
    if (position < 0) throw new Error('list.remove(x): x not in list');
    l.splice(position, 1);
    return null;
  },
  index: (l) => (value) => {
    const position = indexOfEqual(l, value);
    if (position < 0) throw new Error('list.index(x): x not in list');
    return position;
  },
  count: (l) => (value) => l.filter((item) => pyEquals(item, value)).length,
  reverse: (l) => () => { l.reverse(); return null; },
  copy: (l) => () => [...l],
};

const dictMethods: Record<string, (d: Record<string, unknown>) => Method> = {
  items: (d) => () => Object.entries(d),
  keys: (d) => () => Object.keys(d),
  values: (d) => () => Object.values(d),
  get: (d) => (key, fallback) => ownValue(d, String(key)) ?? fallback ?? null,
  pop: (d) => (key, fallback) => {
    const name = String(key);
    if (!Object.prototype.hasOwnProperty.call(d, name)) {
      if (fallback === undefined) throw new Error(`dict.pop(): KeyError: '${name}'`);
      return fallback;
    }
    const value = d[name];
    delete d[name];
    return value;
  },
  popitem: (d) => () => {
    const last = Object.keys(d).pop();
    if (last === undefined) throw new Error('dict.popitem(): dictionary is empty');
    const value = d[last];
    delete d[last];
    return [last, value];
  },
  setdefault: (d) => (key, fallback) => {
    const name = String(key);
    if (!Object.prototype.hasOwnProperty.call(d, name)) put(d, name, fallback ?? null);
    return d[name];
  },
  update: (d) => (other) => {
    const entries = Array.isArray(other) ? other : typeof other === 'object' && other !== null ? Object.entries(other) : [];
    for (const entry of entries) if (Array.isArray(entry) && entry.length === 2) put(d, String(entry[0]), entry[1]);
    return null;
  },
  copy: (d) => () => ({ ...d }),
};

export function listMethod(list: unknown[], name: string): Method | undefined {
  const make = Object.prototype.hasOwnProperty.call(listMethods, name) ? listMethods[name] : undefined;
  return make ? make(list) : undefined;
}

export function dictMethod(mapping: Record<string, unknown>, name: string): Method | undefined {
  const make = Object.prototype.hasOwnProperty.call(dictMethods, name) ? dictMethods[name] : undefined;
  return make ? make(mapping) : undefined;
}
