// How Jinja (Python) sees JavaScript values: truthiness, str() of a value in output, type names.
// Ansible playbooks rely on these: `when: my_list` is false for [], and "x={{ flag }}" renders "x=True".
import { requireDefined } from './undefined.js';
import { unboxUnsafe } from '../util/unsafe.js';
import { PyFloat, pyFloatRepr } from './python-float.js';
import { PyDateTime } from './python-datetime.js';

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat) && !(value instanceof PyDateTime);
}

/** Python's bool(): empty containers, '', 0, None and False are false. Undefined values are an error. */
export function pyTruthy(value: unknown): boolean {
  const defined = requireDefined(value);
  if (defined instanceof PyFloat) return defined.value !== 0;
  if (Array.isArray(defined)) return defined.length > 0;
  if (isMapping(defined)) return Object.keys(defined).length > 0;
  return Boolean(defined);
}

/** Python's repr(), used for containers inside output. */
export function pyRepr(input: unknown): string {
  const value = unboxUnsafe(input);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isMapping(value)) return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  return pyStr(value);
}

/** Python's str(), what `{{ value }}` writes into a larger string. */
export function pyStr(value: unknown): string {
  const defined = requireDefined(unboxUnsafe(value));
  if (defined === null) return 'None';
  if (defined === undefined) return '';
  if (defined === true) return 'True';
  if (defined === false) return 'False';
  if (typeof defined === 'string') return defined;
  if (defined instanceof PyDateTime) return String(defined);
  if (defined instanceof PyFloat || (typeof defined === 'number' && !Number.isInteger(defined))) return pyFloatRepr(Number(defined));
  // never a function's source: templates may call functions, not read them
  if (typeof defined === 'function') return '<function>';
  if (Array.isArray(defined) || isMapping(defined)) return pyRepr(defined);
  return String(defined);
}

/** Python type name, as `type_debug` reports it. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof PyFloat) return 'float';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}
