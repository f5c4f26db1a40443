// Python's two string formatters, as templates use them: `'%s-%02d' % (a, b)` / `'%s' | format(a)` (printf style)
// and `'{:>5} {name}'.format(x, name=y)` (str.format with the format-spec mini-language).
import { isMapping, pyRepr, pyStr, pyTypeName } from './python-values.js';
import { isPyFloat, pyFloatRepr, pyToFixed, unboxFloat } from './python-float.js';

interface Spec {
  fill: string;
  align: string;
  sign: string;
  alternate: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision: number | undefined;
  type: string;
}

function asNumber(value: unknown, conversion: string): number {
  const plain = unboxFloat(value);
  if (typeof plain === 'boolean') return plain ? 1 : 0;
  if (typeof plain !== 'number') throw new Error(`%${conversion} format: a number is required, not ${pyTypeName(plain)}`);
  return plain;
}

/** Python's exponent form: 1.500000e+03 (two exponent digits at least). */
function exponential(value: number, precision: number, upper: boolean): string {
  const text = value.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? text.toUpperCase() : text;
}

/** %g / {:g}: the shorter of fixed and exponent forms, trailing zeros dropped unless `alternate`. */
function general(value: number, precision: number, alternate: boolean, upper: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (value === 0) return alternate ? `0.${'0'.repeat(p - 1)}` : '0';
  const exponent = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(p)))));
  const strip = (text: string): string => (alternate ? text : text.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1'));
  if (exponent < -4 || exponent >= p) return strip(exponential(value, p - 1, upper));
  return strip(value.toFixed(Math.max(0, p - 1 - exponent)));
}

function groupThousands(digits: string, separator: string): string {
  const [whole = '', fraction] = digits.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A number in one of the conversions both formatters share (d x X o b e E f F g G %). */
function formatNumber(value: number, type: string, precision: number | undefined, alternate: boolean): string {
  const abs = Math.abs(value);
  switch (type) {
    case 'd': case 'i': case 'u': return String(Math.trunc(abs));
    case 'x': return (alternate ? '0x' : '') + Math.trunc(abs).toString(16);
    case 'X': return (alternate ? '0X' : '') + Math.trunc(abs).toString(16).toUpperCase();
    case 'o': return (alternate ? '0o' : '') + Math.trunc(abs).toString(8);
    case 'b': return (alternate ? '0b' : '') + Math.trunc(abs).toString(2);
    case 'e': case 'E': return exponential(abs, precision ?? 6, type === 'E');
    case 'f': case 'F': return pyToFixed(abs, precision ?? 6);
    case 'g': case 'G': return general(abs, precision ?? 6, alternate, type === 'G');
    case '%': return `${pyToFixed(abs * 100, precision ?? 6)}%`;
    default: throw new Error(`unsupported format character '${type}'`);
  }
}

function pad(body: string, sign: string, spec: Spec, defaultAlign: string): string {
  const align = spec.align !== '' ? spec.align : spec.zero ? '=' : defaultAlign;
  const fill = spec.align === '' && spec.zero ? '0' : spec.fill;
  const length = sign.length + body.length;
  if (length >= spec.width) return sign + body;
  const room = spec.width - length;
  switch (align) {
    case '<': return sign + body + fill.repeat(room);
    case '^': return fill.repeat(Math.floor(room / 2)) + sign + body + fill.repeat(room - Math.floor(room / 2));
    case '=': return sign + fill.repeat(room) + body;
    default: return fill.repeat(room) + sign + body;
  }
}

function applySpec(value: unknown, spec: Spec): string {
  const plain = unboxFloat(value);
  const numeric = typeof plain === 'number' || typeof plain === 'boolean';
  if (spec.type === 's' || (spec.type === '' && !numeric)) {
    if (numeric && spec.type === 's') throw new Error(`Unknown format code 's' for object of type '${pyTypeName(value)}'`);
    const text = pyStr(value);
    return pad(spec.precision === undefined ? text : text.slice(0, spec.precision), '', spec, '<');
  }
  if (!numeric) throw new Error(`Unknown format code '${spec.type}' for object of type '${pyTypeName(value)}'`);
  const number = asNumber(plain, spec.type);
  let type = spec.type;
  if (type === '') type = isPyFloat(value) ? (spec.precision === undefined ? 'r' : 'g') : 'd';
  if (type === 'n') type = isPyFloat(value) ? 'g' : 'd';
  let body = type === 'r' ? pyFloatRepr(Math.abs(number)) : formatNumber(number, type, spec.precision, spec.alternate);
  if (spec.grouping !== '') body = groupThousands(body, spec.grouping);
  const sign = number < 0 || Object.is(number, -0) ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  return pad(body, sign, spec, '>');
}

const SPEC = /^(?:([\s\S])?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

function parseSpec(text: string): Spec {
  const match = SPEC.exec(text);
  if (!match) throw new Error(`Invalid format specifier '${text}'`);
  return {
    fill: match[1] ?? ' ', align: match[2] ?? '', sign: match[3] ?? '-', alternate: match[4] !== undefined,
    zero: match[5] !== undefined, width: Number(match[6] ?? 0), grouping: match[7] ?? '',
    precision: match[8] === undefined ? undefined : Number(match[8]), type: match[9] ?? '',
  };
}

/** Python's str.format(*args, **kwargs): {} {0} {name} {0[key]} {!r} {:spec}. */
export function pyStrFormat(template: string, args: unknown[], keywords: Record<string, unknown>): string {
  let next = 0;
  return template.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (whole, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const [head = '', ...path] = (field ?? '').split(/(?=\[)/);
    let value: unknown;
    if (head === '') value = args[next++];
    else if (/^\d+$/.test(head)) value = args[Number(head)];
    else value = Object.prototype.hasOwnProperty.call(keywords, head) ? keywords[head] : undefined;
    if (value === undefined) throw new Error(head === '' || /^\d+$/.test(head) ? 'Replacement index out of range for positional args tuple' : `KeyError: '${head}'`);
    for (const part of path) {
      const key = part.slice(1, -1);
      value = Array.isArray(value) && /^\d+$/.test(key) ? value[Number(key)] : isMapping(value) ? value[key] : undefined;
      if (value === undefined) throw new Error(`KeyError: '${key}'`);
    }
    if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    return applySpec(value, parseSpec(spec ?? ''));
  });
}

/** Python's `template % values`: a tuple (list) of arguments, a mapping for %(name)s, or one value. */
export function pyPercentFormat(template: string, values: unknown): string {
  const mapping = isMapping(values) ? values : undefined;
  const args = Array.isArray(values) ? values : mapping === undefined ? [values] : [];
  let next = 0;
  const text = template.replace(/%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g,
    (_whole, name: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
      if (type === '%') return '%';
      const take = (): unknown => {
        if (name !== undefined) {
          if (mapping === undefined || !Object.prototype.hasOwnProperty.call(mapping, name)) throw new Error(`KeyError: '${name}'`);
          return mapping[name];
        }
        if (next >= args.length) throw new Error('not enough arguments for format string');
        return args[next++];
      };
      const widthValue = width === '*' ? Number(take()) : Number(width ?? 0);
      const precisionValue = precision === '*' ? Number(take()) : precision === undefined ? undefined : Number(precision);
      const value = take();
      const spec: Spec = {
        fill: ' ', align: flags.includes('-') ? '<' : '', sign: flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '-',
        alternate: flags.includes('#'), zero: flags.includes('0') && !flags.includes('-'), width: widthValue, grouping: '',
        precision: precisionValue, type,
      };
      if (type === 's' || type === 'r' || type === 'a') {
        const shown = type === 's' ? pyStr(value) : pyRepr(value);
        return pad(precisionValue === undefined ? shown : shown.slice(0, precisionValue), '', { ...spec, zero: false }, spec.align === '<' ? '<' : '>');
      }
      if (type === 'c') return pad(typeof value === 'number' ? String.fromCodePoint(value) : pyStr(value), '', { ...spec, zero: false }, '>');
      const number = asNumber(value, type);
      const body = formatNumber(number, type, precisionValue, spec.alternate);
      const sign = number < 0 ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
      return pad(body, sign, spec, '>');
    });
  if (mapping === undefined && next < args.length) throw new Error('not all arguments converted during string formatting');
  return text;
}
