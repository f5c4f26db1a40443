// More of Ansible's tests (lib/ansible/plugins/test/core.py, files.py, mathstuff.py) and Jinja's (tests.py) that
// tests.ts lacks. The path tests look at the CONTROLLER's filesystem, as Ansible's do (they run where templating
// runs): `'/etc/app.conf' is file` says nothing about a managed host.
import { lstatSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { requireDefined } from './undefined.js';
import { isMapping, pyTruthy, pyStr } from './python-values.js';
import { PyFloat } from './python-float.js';
import type { TestFunction } from './filters.js';

function pathIs(value: unknown, check: (path: string) => boolean): boolean {
  try {
    return check(pyStr(requireDefined(value)));
  } catch {
    return false; // a path that cannot be read is not a file, directory or link
  }
}

function asyncState(value: unknown, key: 'started' | 'finished'): boolean {
  const result = requireDefined(value);
  if (!isMapping(result)) throw new Error(`The '${key}' test expects a dictionary`);
  // async_status reports 0/1; a result without the key is a task that was not async, so it is done
  return key in result ? Number(result[key]) === 1 : true;
}

function items(value: unknown): unknown[] {
  const defined = requireDefined(value);
  if (Array.isArray(defined)) return defined;
  if (typeof defined === 'string') return [...defined];
  if (isMapping(defined)) return Object.keys(defined);
  throw new Error('object is not iterable');
}

export function ansibleTests(): Record<string, TestFunction> {
  return {
    file: (value) => pathIs(value, (path) => statSync(path).isFile()),
    directory: (value) => pathIs(value, (path) => statSync(path).isDirectory()),
    link: (value) => pathIs(value, (path) => lstatSync(path).isSymbolicLink()),
    exists: (value) => pathIs(value, (path) => statSync(path, { throwIfNoEntry: false }) !== undefined),
    link_exists: (value) => pathIs(value, (path) => lstatSync(path, { throwIfNoEntry: false }) !== undefined),
    abs: (value) => isAbsolute(pyStr(requireDefined(value))),
    same_file: (value, other) => pathIs(value, (path) => {
      const a = statSync(path);
      const b = statSync(pyStr(other));
      return a.dev === b.dev && a.ino === b.ino;
    }),
    any: (value) => items(value).some((item) => pyTruthy(item)),
    all: (value) => items(value).every((item) => pyTruthy(item)),
    reachable: (value) => {
      const result = requireDefined(value);
      if (!isMapping(result)) throw new Error("The 'reachable' test expects a dictionary");
      return !pyTruthy(result['unreachable'] ?? false);
    },
    unreachable: (value) => {
      const result = requireDefined(value);
      if (!isMapping(result)) throw new Error("The 'unreachable' test expects a dictionary");
      return pyTruthy(result['unreachable'] ?? false);
    },
    started: (value) => asyncState(value, 'started'),
    finished: (value) => asyncState(value, 'finished'),
    successful: (value) => {
      const result = requireDefined(value);
      if (!isMapping(result)) throw new Error("The 'successful' test expects a dictionary");
      return !pyTruthy(result['failed'] ?? false);
    },
    // Jinja's `x is true` / `x is false`: the booleans themselves, not truthiness
    true: (value) => value === true,
    false: (value) => value === false,
    nan: (value) => typeof value === 'number' && Number.isNaN(value),
    escaped: () => false,
    // Python's numbers: a float box is a float, never an integer
    number: (value) => typeof value === 'number' || value instanceof PyFloat,
    integer: (value) => typeof value === 'number' && Number.isInteger(value),
    float: (value) => value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value)),
  };
}
