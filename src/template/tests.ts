// Jinja/Ansible tests (`x is defined`, `result is failed`, `version is version('2.0', '>=')`).
import { argument, splitArgs } from './args.js';
import { TemplateUndefined, requireDefined } from './undefined.js';
import { isMapping, pyTruthy } from './python-values.js';
import { pyEquals } from './python-compare.js';
import { pythonRegExp } from './python-regex.js';
import type { TestFunction } from './filters.js';
import { ansibleTests } from './tests-ansible.js';

/** Tests that legitimately look at undefined values; every other test rejects them. */
export const TESTS_ACCEPTING_UNDEFINED = new Set(['defined', 'undefined']);

function registered(value: unknown, what: string): Record<string, unknown> {
  const result = requireDefined(value);
  if (!isMapping(result)) throw new Error(`The '${what}' test expects a registered task result (a dictionary)`);
  return result;
}

function failed(value: unknown): boolean {
  return pyTruthy(registered(value, 'failed').failed ?? false);
}

/** Ansible's LooseVersion-ish comparison: numeric parts numerically, alphabetic parts lexically. */
export function compareVersions(left: string, right: string): number {
  const parts = (v: string): Array<number | string> => (v.match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const a = parts(left);
  const b = parts(right);
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return 1;
    if (typeof y === 'number') return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function versionTest(value: unknown, ...rest: unknown[]): boolean {
  const args = splitArgs(rest);
  const other = String(argument(args, 0, 'version', ''));
  const operator = String(argument(args, 1, 'operator', 'eq'));
  const order = compareVersions(String(requireDefined(value)), other);
  switch (operator) {
    case '==': case '=': case 'eq': return order === 0;
    case '!=': case '<>': case 'ne': return order !== 0;
    case '<': case 'lt': return order < 0;
    case '<=': case 'le': return order <= 0;
    case '>': case 'gt': return order > 0;
    case '>=': case 'ge': return order >= 0;
    default: throw new Error(`version: unknown operator '${operator}'`);
  }
}

function contains(container: unknown, item: unknown): boolean {
  const haystack = requireDefined(container);
  if (typeof haystack === 'string') return haystack.includes(String(requireDefined(item)));
  if (Array.isArray(haystack)) return haystack.some((element) => pyEquals(element, item));
  if (isMapping(haystack)) return Object.prototype.hasOwnProperty.call(haystack, String(item));
  return false;
}

function regexTest(value: unknown, rest: unknown[], anchored: 'start' | 'anywhere' | 'full'): boolean {
  const args = splitArgs(rest);
  const pattern = String(argument(args, 0, 'pattern', ''));
  const regex = pythonRegExp(anchored === 'start' ? `^(?:${pattern})` : anchored === 'full' ? `^(?:${pattern})$` : pattern, {
    ignoreCase: pyTruthy(argument(args, 1, 'ignorecase', false)),
    multiline: pyTruthy(argument(args, 2, 'multiline', false)),
  });
  return regex.test(String(requireDefined(value)));
}

export function buildTests(): Record<string, TestFunction> {
  const tests: Record<string, TestFunction> = {
    defined: (value) => !(value instanceof TemplateUndefined),
    undefined: (value) => value instanceof TemplateUndefined,
    none: (value) => value === null || value === undefined,
    failed,
    succeeded: (value) => !failed(value),
    changed: (value) => pyTruthy(registered(value, 'changed').changed ?? false),
    skipped: (value) => pyTruthy(registered(value, 'skipped').skipped ?? false),
    string: (value) => typeof value === 'string',
    boolean: (value) => typeof value === 'boolean',
    mapping: (value) => isMapping(value),
    sequence: (value) => Array.isArray(value) || typeof value === 'string',
    iterable: (value) => Array.isArray(value) || typeof value === 'string' || isMapping(value),
    match: (value, ...rest) => regexTest(value, rest, 'start'),
    search: (value, ...rest) => regexTest(value, rest, 'anywhere'),
    regex: (value, ...rest) => {
      const args = splitArgs(rest);
      const mode = String(args.keywords.match_type ?? 'search');
      return regexTest(value, rest, mode === 'match' ? 'start' : mode === 'fullmatch' ? 'full' : 'anywhere');
    },
    version: versionTest,
    in: (value, container) => contains(container, value),
    contains: (container, item) => contains(container, item),
    truthy: (value) => pyTruthy(value),
    falsy: (value) => !pyTruthy(value),
    equalto: (value, other) => pyEquals(value, other),
    sameas: (value, other) => value === other,
    divisibleby: (value, n) => Number(requireDefined(value)) % Number(n) === 0,
    even: (value) => Number(requireDefined(value)) % 2 === 0,
    odd: (value) => Math.abs(Number(requireDefined(value)) % 2) === 1,
    lower: (value) => typeof value === 'string' && value === value.toLowerCase(),
    upper: (value) => typeof value === 'string' && value === value.toUpperCase(),
    subset: (value, other) => Array.isArray(value) && Array.isArray(other) && value.every((x) => other.some((y) => pyEquals(x, y))),
    superset: (value, other) => Array.isArray(value) && Array.isArray(other) && other.every((x) => value.some((y) => pyEquals(x, y))),
    callable: (value) => typeof value === 'function',
  };
  tests.success = tests.succeeded as TestFunction;
  tests.failure = tests.failed as TestFunction;
  tests.change = tests.changed as TestFunction;
  tests.skip = tests.skipped as TestFunction;
  tests.version_compare = versionTest;
  tests.eq = tests.equalto as TestFunction;
  tests['=='] = tests.equalto as TestFunction;
  tests.ne = (value, other) => !pyEquals(value, other);
  tests['!='] = tests.ne;
  tests.lt = (value, other) => Number(requireDefined(value)) < Number(other);
  tests.le = (value, other) => Number(requireDefined(value)) <= Number(other);
  tests.gt = (value, other) => Number(requireDefined(value)) > Number(other);
  tests.ge = (value, other) => Number(requireDefined(value)) >= Number(other);
  tests['<'] = tests.lt;
  tests['>'] = tests.gt;
  tests['<='] = tests.le;
  tests['>='] = tests.ge;
  tests.null = tests.none as TestFunction;
  return { ...tests, ...ansibleTests() };
}
