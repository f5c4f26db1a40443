// Python's floats in a language with one number type. JavaScript cannot tell 3.0 from 3, but Python prints them
// differently ("3.0" / "3"), and so does every template that divides, writes a float literal or uses `| float` or
// `| round`. A float whose value is integral is carried as a PyFloat box while a template evaluates; a non-integral
// number is unambiguous and stays a plain number. Boxes never leave the template engine: finishTemplateValue() turns
// them back into numbers (or into Python's str() at the top level, as Ansible 2.14 renders "{{ 7 / 2 }}" as "3.5").
// valueOf/toJSON make a box behave as its number wherever JavaScript coerces it (sum, <, JSON).

let boxed = 0;

/** How many boxes were ever made: a render that made none has none to take out of its result. */
export function floatsBoxed(): number {
  return boxed;
}

export class PyFloat {
  constructor(readonly value: number) {
    boxed += 1;
  }
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
  toString(): string {
    return pyFloatRepr(this.value);
  }
}

/** A float result: boxed when JavaScript would print it as an int. */
export function pyFloat(value: number): number | PyFloat {
  return Number.isInteger(value) ? new PyFloat(value) : value;
}

export function isPyFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

export function unboxFloat(value: unknown): unknown {
  return value instanceof PyFloat ? value.value : value;
}

/** Python's repr() of a float: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  const digits = mantissa.replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
}

/** Python's arithmetic operators on template values (numbers, boxes, booleans). */
export function pyArithmetic(operator: string, left: unknown, right: unknown): unknown {
  const float = isPyFloat(left) || isPyFloat(right) || operator === '/';
  const a = Number(unboxFloat(left));
  const b = Number(unboxFloat(right));
  if ((operator === '/' || operator === '//' || operator === '%') && b === 0) {
    throw new Error(float ? 'float division by zero' : 'integer division or modulo by zero');
  }
  let result: number;
  switch (operator) {
    case '+': result = a + b; break;
    case '-': result = a - b; break;
    case '*': result = a * b; break;
    case '/': result = a / b; break;
    case '//': result = Math.floor(a / b); break;
    case '%': result = ((a % b) + b) % b; break;
    case '**': result = a ** b; break;
    default: throw new Error(`unknown operator ${operator}`);
  }
  // 2 ** -1 is a float in Python, as is every result with a float operand
  return float || !Number.isInteger(result) ? pyFloat(result) : result;
}

/** A value leaving the template engine: every box inside it becomes its number. */
export function withoutFloatBoxes(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (Array.isArray(value)) return value.some(needsUnboxing) ? value.map(withoutFloatBoxes) : value;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).some(needsUnboxing)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) Object.defineProperty(out, key, { value: withoutFloatBoxes(item), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function needsUnboxing(value: unknown): boolean {
  if (value instanceof PyFloat) return true;
  if (Array.isArray(value)) return value.some(needsUnboxing);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).some(needsUnboxing);
  return false;
}

/**
 * Python's fixed-point formatting ('%.1f' % x, round(x, n)): the exact binary value rounded, ties to even.
 * JavaScript's toFixed rounds exact ties up (2.25 -> "2.3"); Python gives "2.2".
 */
export function pyToFixed(value: number, digits: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return value.toFixed(digits);
  const exact = Math.abs(value).toFixed(Math.min(100, digits + 60));
  const [whole = '0', fraction = ''] = exact.split('.');
  const kept = fraction.slice(0, digits);
  const rest = fraction.slice(digits);
  const tie = /^50*$/.test(rest);
  if (!tie) return value.toFixed(digits);
  const lastDigit = Number((digits === 0 ? whole : kept).slice(-1));
  const truncated = digits === 0 ? whole : `${whole}.${kept}`;
  const sign = value < 0 ? '-' : '';
  // an exact tie: keep an even last digit; toFixed rounds an odd one up, away from zero, as Python does then
  return lastDigit % 2 === 0 ? sign + truncated : value.toFixed(digits);
}
