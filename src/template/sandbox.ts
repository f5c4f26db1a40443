// The template sandbox: the ONE place where a template touches JavaScript values. A template can read own data
// properties of plain objects and arrays, call the Python-style methods of python-methods.ts, and call the functions
// airlock registered (filters, tests, lookups, globals, macros); nothing else. There is no route from a template to a
// prototype, a constructor or any property of a function, so text a host sends back cannot become code on the
// workstation even if it were ever rendered (src/util/unsafe.ts keeps it from being rendered at all).
//
// runtime.ts routes nunjucks' member lookups, calls, `in`, dict literals and global-name lookups here; the
// attribute getters of filters (`map(attribute=)`, `sort(attribute=)`, ...) use ownAttribute() below.
import { TemplateUndefined } from './undefined.js';
import { dictMethod, listMethod, stringMethod, type Method } from './python-methods.js';
import { pyEquals } from './python-compare.js';
import { isUnsafe, unboxUnsafe } from '../util/unsafe.js';
import { unboxFloat } from './python-float.js';
import { PyDateTime } from './python-datetime.js';

const callables = new WeakSet<object>();

/** Functions that take the values of an expression as they are (the templater's capture of a result). */
const seesFloatBoxes = new WeakSet<object>();

/** As allowCall, for a function that must see Python floats as floats (python-float.ts). */
export function allowCallWithFloats<T extends (...args: never[]) => unknown>(fn: T): T {
  seesFloatBoxes.add(fn);
  return allowCall(fn);
}

/** Let templates call `fn` (a filter, test, lookup, global, macro or method made by airlock). */
export function allowCall<T extends (...args: never[]) => unknown>(fn: T): T {
  callables.add(fn);
  return fn;
}

/** A plain data mapping: an object literal, JSON or YAML mapping (or a Proxy over one, such as `hostvars`). */
export function isPlainMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function ownDataValue(object: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  return descriptor !== undefined && 'value' in descriptor ? (descriptor.value as unknown) : undefined;
}

/** Python's type name as error messages say it ('str object', 'dict object'...). */
function typeLabel(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return 'str object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int object' : 'float object';
  if (typeof value === 'boolean') return 'bool object';
  if (Array.isArray(value)) return 'list object';
  if (typeof value === 'function') return 'function';
  return isPlainMapping(value) ? 'dict object' : 'object';
}

function noAttribute(value: unknown, key: unknown): TemplateUndefined {
  return new TemplateUndefined(`'${typeLabel(value)}' has no attribute '${String(key)}'`);
}

function indexSequence(sequence: string | readonly unknown[], index: number, typeName: string): unknown {
  const position = index < 0 ? sequence.length + index : index;
  if (!Number.isInteger(position) || position < 0 || position >= sequence.length) return new TemplateUndefined(`${typeName} index ${index} out of range`);
  return sequence[position];
}

function method(make: Method | undefined, value: unknown, key: unknown): unknown {
  return make === undefined ? noAttribute(value, key) : allowCall(make);
}

/**
 * `obj.key` / `obj[key]` as Jinja resolves them, inside the sandbox. `noteUnsafe` is told when the value read is host
 * data, so that whatever the render builds from it is host data too.
 */
export function lookupMember(obj: unknown, key: unknown, noteUnsafe: () => void): unknown {
  if (obj instanceof TemplateUndefined) return obj;
  if (isUnsafe(obj)) noteUnsafe();
  const target = unboxFloat(unboxUnsafe(obj));
  if (target instanceof PyDateTime) return target.member(String(key)) ?? noAttribute(target, key);
  if (typeof target === 'string') {
    if (typeof key === 'number') return indexSequence(target, key, 'str');
    return method(stringMethod(target, String(key)), target, key);
  }
  if (Array.isArray(target)) {
    if (typeof key === 'number') return readSlot(indexSequence(target, key, 'list'), noteUnsafe);
    return method(listMethod(target, String(key)), target, key);
  }
  if (isPlainMapping(target)) {
    const name = String(key);
    const value = ownDataValue(target, name);
    if (value !== undefined) return readSlot(value, noteUnsafe);
    return method(dictMethod(target, name), target, key);
  }
  return noAttribute(target, key);
}

function readSlot(value: unknown, noteUnsafe: () => void): unknown {
  if (isUnsafe(value)) noteUnsafe();
  return unboxUnsafe(value);
}

/** `attribute='a.b'` of map/sort/sum/join/groupby...: own data properties only, dotted paths and list indexes. */
export function ownAttribute(item: unknown, path: unknown): unknown {
  let current: unknown = item;
  for (const part of typeof path === 'number' ? [path] : String(path).split('.')) {
    const index = typeof part === 'number' ? part : /^-?\d+$/.test(part) ? Number(part) : undefined;
    if (Array.isArray(current) && index !== undefined) current = current[index < 0 ? current.length + index : index];
    else if (isPlainMapping(current)) current = ownDataValue(current, String(part));
    else current = undefined;
    current = unboxUnsafe(current);
    if (current === undefined) return noAttribute(item, part);
  }
  return current;
}

/** `fn(args)` in a template: only functions airlock registered may run. */
export function callFunction(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
  if (fn instanceof TemplateUndefined) throw fn.toError();
  if (typeof fn !== 'function') throw new Error(`'${name}' is not callable (it is a ${typeLabel(fn)})`);
  if (!callables.has(fn)) throw new Error(`'${name}' is not a filter, test, lookup, method or macro that templates may call`);
  // a function (a method, a global, a macro) gets plain numbers: float boxes stay inside expressions
  return (fn as (...values: unknown[]) => unknown).apply(context, seesFloatBoxes.has(fn) ? args : args.map(unboxFloat));
}

/** Python's `needle in haystack`: substring, list member (==), own key of a dict. */
export function pyContains(needle: unknown, haystack: unknown): boolean {
  const container = unboxUnsafe(haystack);
  if (typeof container === 'string') return container.includes(String(unboxUnsafe(needle)));
  if (Array.isArray(container)) return container.some((item) => pyEquals(item, needle));
  if (isPlainMapping(container)) return Object.prototype.hasOwnProperty.call(container, String(unboxUnsafe(needle)));
  if (container instanceof TemplateUndefined) throw container.toError();
  throw new Error(`argument of type '${typeLabel(container)}' is not iterable`);
}

/** A dict literal `{'k': v}`: own properties even for '__proto__' (a JavaScript object literal would set the prototype). */
export function buildDict(pairs: ReadonlyArray<readonly [unknown, unknown]>): Record<string, unknown> {
  const dict: Record<string, unknown> = {};
  for (const [key, value] of pairs) Object.defineProperty(dict, String(key), { value, enumerable: true, writable: true, configurable: true });
  return dict;
}

/** Python's `seq[start:stop:step]` on a string (a string) or a list (a list). */
export function pySlice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const target = unboxUnsafe(obj);
  if (target instanceof TemplateUndefined) throw target.toError();
  if (typeof target !== 'string' && !Array.isArray(target)) throw new Error(`'${typeLabel(target)}' cannot be sliced`);
  const length = target.length;
  const stride = step === null || step === undefined ? 1 : Number(step);
  if (!Number.isInteger(stride) || stride === 0) throw new Error('slice step must be a non-zero integer');
  const clamp = (value: unknown, fallback: number, low: number, high: number): number => {
    if (value === null || value === undefined) return fallback;
    const n = Number(value);
    const position = n < 0 ? n + length : n;
    return Math.min(Math.max(position, low), high);
  };
  const first = stride > 0 ? clamp(start, 0, 0, length) : clamp(start, length - 1, -1, length - 1);
  const end = stride > 0 ? clamp(stop, length, 0, length) : clamp(stop, -1, -1, length - 1);
  const picked: unknown[] = [];
  for (let i = first; stride > 0 ? i < end : i > end; i += stride) picked.push(target[i]);
  return typeof target === 'string' ? picked.join('') : picked;
}
