// Python's == for the values templates see: deep for lists and dicts, numbers equal to booleans (True == 1),
// never a string equal to a number ('1' != 1, unlike JavaScript's ==).
import { requireDefined } from './undefined.js';
import { isMapping } from './python-values.js';
import { unboxUnsafe } from '../util/unsafe.js';
import { unboxFloat } from './python-float.js';

export function pyEquals(left: unknown, right: unknown): boolean {
  const a = requireDefined(unboxFloat(unboxUnsafe(left)));
  const b = requireDefined(unboxFloat(unboxUnsafe(right)));
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  const numeric = (v: unknown): boolean => typeof v === 'number' || typeof v === 'boolean';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => pyEquals(item, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && pyEquals(a[key], b[key]));
  }
  return false;
}

/** Python's ordering for sort/min/max: numbers numerically, strings by code point, lists element-wise. */
export function pyCompare(left: unknown, right: unknown): number {
  const a = requireDefined(unboxFloat(left));
  const b = requireDefined(unboxFloat(right));
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
      const order = pyCompare(a[i], b[i]);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
