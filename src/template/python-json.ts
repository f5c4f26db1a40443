// Python's json.dumps, as Ansible's to_json / to_nice_json call it: ', ' and ': ' between items (', ' becomes ','
// with an indent), non-ASCII escaped (ensure_ascii), floats as Python writes them (1.0, 1e-07), keys in their
// order unless sort_keys.
import { isMapping, pyStr } from './python-values.js';
import { PyFloat, pyFloatRepr } from './python-float.js';
import { unboxUnsafe } from '../util/unsafe.js';

export interface JsonOptions {
  indent?: number | string | undefined;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  separators?: [string, string] | undefined;
}

function quoteString(text: string, ensureAscii: boolean): string {
  const escaped = text.replace(/["\\\u0000-\u001f\u007f-\uffff]/g, (ch) => {
    switch (ch) {
      case '"': return '\\"';
      case '\\': return '\\\\';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      case '\b': return '\\b';
      case '\f': return '\\f';
      default: {
        const code = ch.charCodeAt(0);
        return code < 0x20 || ensureAscii ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
      }
    }
  });
  return `"${escaped}"`;
}

function number(value: number, isFloat: boolean): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return isFloat || !Number.isInteger(value) ? pyFloatRepr(value) : String(value);
}

export function pyJsonDumps(input: unknown, options: JsonOptions = {}): string {
  const indentUnit = options.indent === undefined || options.indent === null ? undefined
    : typeof options.indent === 'number' ? ' '.repeat(options.indent) : String(options.indent);
  const [itemSeparator, keySeparator] = options.separators ?? (indentUnit === undefined ? [', ', ': '] : [',', ': ']);
  const ensureAscii = options.ensureAscii ?? true;
  const write = (raw: unknown, depth: number): string => {
    const value = unboxUnsafe(raw);
    if (value === null || value === undefined) return 'null';
    if (value === true) return 'true';
    if (value === false) return 'false';
    if (value instanceof PyFloat) return number(value.value, true);
    if (typeof value === 'number') return number(value, false);
    if (typeof value === 'string') return quoteString(value, ensureAscii);
    const open = (items: string[], start: string, end: string): string => {
      if (items.length === 0) return `${start}${end}`;
      if (indentUnit === undefined) return `${start}${items.join(itemSeparator)}${end}`;
      const inner = `\n${indentUnit.repeat(depth + 1)}`;
      return `${start}${inner}${items.join(`${itemSeparator}${inner}`)}\n${indentUnit.repeat(depth)}${end}`;
    };
    if (Array.isArray(value)) return open(value.map((item) => write(item, depth + 1)), '[', ']');
    if (isMapping(value)) {
      const keys = Object.keys(value);
      if (options.sortKeys === true) keys.sort();
      return open(keys.map((key) => `${quoteString(key, ensureAscii)}${keySeparator}${write(value[key], depth + 1)}`), '{', '}');
    }
    throw new Error(`Object of type ${pyStr(typeof value)} is not JSON serializable`);
  };
  return write(input, 0);
}
