// Python str methods that Ansible playbooks call on strings (`item.split('=')[0]`, `name.startswith('web')`).

type Method = (...args: unknown[]) => unknown;

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
  format: (t) => (...args) => {
    let next = 0;
    return t.replace(/\{(\d*)\}/g, (_m, index: string) => String(args[index === '' ? next++ : Number(index)]));
  },
};

export function stringMethod(text: string, name: string): Method | undefined {
  const make = Object.prototype.hasOwnProperty.call(methods, name) ? methods[name] : undefined;
  return make ? make(text) : undefined;
}
