// Host names, ports and ranges as ansible reads them (ansible/parsing/utils/addresses.py and
// plugins/inventory/__init__.py): `web[01:20]`, `web[1:10:2]`, `db-[a:f]`, `host:2222`, `[::1]:22`.
import { inputLimits, limitNote } from '../util/limits.js';

export class HostRangeError extends Error {}

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const IPV6_PART = String.raw`(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const IPV4_PART = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
// Python's \w is Unicode-aware; a label may not start with - or _... except that \w includes _, as in ansible.
const LABEL = String.raw`(?:[\p{L}\p{N}_]|${ALNUM_RANGE})(?:[\p{L}\p{N}_-]|${ALNUM_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
const IPV4 = new RegExp(String.raw`^(?:${IPV4_PART}\.){3}${IPV4_PART}$`, 'i');
const H = IPV6_PART;
const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${H}:){7}${H}`,
      `(?:${H}:){1,6}:`,
      `(?:${H}:)(?::${H}){1,6}`,
      `(?:${H}:){2}(?::${H}){1,5}`,
      `(?:${H}:){3}(?::${H}){1,4}`,
      `(?:${H}:){4}(?::${H}){1,3}`,
      `(?:${H}:){5}(?::${H}){1,2}`,
      `(?:${H}:){6}(?::${H})`,
      `:(?::${H}){1,6}`,
      `${H}?::`,
      `(?:0:){6}(?:${H}\\.){3}${H}`,
      `::(?:ffff:)?(?:${H}\\.){3}${H}`,
      `(?:0:){5}ffff:(?:${H}\\.){3}${H}`,
    ].join('|') +
    ')$',
  'i',
);
const HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu');

export function isIpAddress(name: string): boolean {
  return IPV4.test(name) || IPV6.test(name);
}

/** parse_address(address, allow_ranges=True): host and optional port, or undefined when ansible cannot parse it. */
export function parseAddress(address: string): { host: string; port: number | undefined } | undefined {
  let rest = address;
  let port: number | undefined;
  for (const pattern of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = pattern.exec(rest);
    if (m) {
      rest = m[1] as string;
      port = Number(m[2]);
    }
  }
  if (IPV4.test(rest) || IPV6.test(rest) || HOSTNAME.test(rest)) return { host: rest, port };
  return undefined;
}

const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** expand_hostname_range: every name a `[begin:end(:step)]` pattern stands for (several ranges multiply). */
export function expandHostRange(line: string): string[] {
  if (!line.includes('[')) return [line];
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  if (close === -1) throw new HostRangeError(`host range in '${line}' has no closing ']'`);
  const head = line.slice(0, open);
  const inner = line.slice(open + 1, close);
  const tail = line.slice(close + 1);
  const bounds = inner.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostRangeError('host range must be begin:end or begin:end:step');
  const begin = bounds[0] === '' ? '0' : (bounds[0] as string);
  const end = bounds[1] as string;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new HostRangeError('host range must specify end value');
  if (!/^\s*[+-]?\d+\s*$/.test(stepText)) throw new HostRangeError(`host range step must be a number, got '${stepText}'`);
  const step = Number(stepText);
  if (step <= 0) throw new HostRangeError(`host range step must be positive, got ${step}`);
  let fill = (x: string | number): string => String(x);
  if (begin[0] === '0' && begin.length > 1) {
    if (begin.length !== end.length) throw new HostRangeError('host range must specify equal-length begin and end formats');
    fill = (x) => String(x).padStart(begin.length, '0');
  }
  let sequence: Array<string | number>;
  const letterBegin = begin.length === 1 ? ASCII_LETTERS.indexOf(begin) : -1;
  const letterEnd = end.length === 1 ? ASCII_LETTERS.indexOf(end) : -1;
  if (letterBegin !== -1 && letterEnd !== -1) {
    if (letterBegin > letterEnd) throw new HostRangeError('host range must have begin <= end');
    sequence = [];
    for (let k = letterBegin; k <= letterEnd; k += step) sequence.push(ASCII_LETTERS[k] as string);
  } else {
    if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) {
      throw new HostRangeError(`host range [${inner}] must be numeric (01:20) or single letters (a:f)`);
    }
    sequence = [];
    for (let k = Number(begin); k <= Number(end); k += step) sequence.push(k);
    // Python's range() yields nothing for begin > end; ansible then silently defines no host. We refuse instead,
    // because an empty range in an inventory is always a typo.
    if (sequence.length === 0) throw new HostRangeError(`host range [${inner}] is empty (begin > end)`);
  }
  return sequence.flatMap((item) => expandHostRange(`${head}${fill(item)}${tail}`));
}

/** How many names one `[begin:end(:step)]` stands for; 1 for what expandHostRange will refuse anyway. */
function rangeCount(inner: string): number {
  const [begin = '', end = '', stepText = '1'] = inner.split(':');
  const step = Number(stepText);
  if (!Number.isInteger(step) || step <= 0) return 1;
  const first = begin === '' ? 0 : ASCII_LETTERS.indexOf(begin) >= 0 && begin.length === 1 ? ASCII_LETTERS.indexOf(begin) : Number(begin);
  const last = ASCII_LETTERS.indexOf(end) >= 0 && end.length === 1 ? ASCII_LETTERS.indexOf(end) : Number(end);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last < first) return 1;
  return Math.floor((last - first) / step) + 1;
}

/** Refuse a pattern that stands for more hosts than the limit BEFORE a single name is built (`web[0:99999999]`). */
function checkRangeSize(name: string): void {
  const limit = inputLimits().hostRange;
  let total = 1;
  for (const match of name.matchAll(/\[([^\]]*)\]/g)) total *= rangeCount(match[1] ?? '');
  if (total > limit) throw new HostRangeError(`stands for ${total} hosts, more than allowed: ${limitNote('hostRange', limit)}`);
}

/**
 * ansible's _expand_hostpattern: the names (ranges expanded) and the port a `host:port` pattern sets.
 * A pattern ansible cannot parse as an address is used verbatim, as ansible does.
 */
export function expandHostPattern(pattern: string): { hosts: string[]; port: number | undefined } {
  const parsed = parseAddress(pattern);
  const name = parsed ? parsed.host : pattern;
  const port = parsed ? parsed.port : undefined;
  if (name.includes('[')) checkRangeSize(name);
  return { hosts: name.includes('[') ? expandHostRange(name) : [name], port };
}
