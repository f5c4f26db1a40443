// Functions every template can call: lookup()/query() for 'env', 'file', 'vars', 'items'/'list' (and the loop
// lookups of lookups.ts), `omit`, and
// Jinja's range/cycler/joiner (bounded, and exposing nothing but callables the sandbox allows).
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { decryptFileText } from '../vault/session.js';
import { argument, splitArgs } from './args.js';
import type { VariableScope } from './runtime.js';
import { loopLookup } from './lookups.js';
import { allowCall } from './sandbox.js';
import { controllerLookup } from './lookups-controller.js';
import { isMapping } from './python-values.js';
import { now } from './python-datetime.js';

/** The longest list range() makes: `range(10**9)` is an error, not a workstation out of memory. */
export const MAX_RANGE_LENGTH = 1_000_000;

/**
 * Ansible's `omit`: a module argument whose value renders to exactly this string is dropped by the executor
 * (use isOmitted()). A fixed text, so that it survives being copied between renders.
 */
export const OMIT = '__omit_place_holder__airlock__';

export function isOmitted(value: unknown): boolean {
  return value === OMIT;
}

function scopeString(scope: VariableScope | undefined, name: string): string | undefined {
  if (scope === undefined || !scope.has(name)) return undefined;
  const value = scope.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** Ansible searches role files/, then the playbook's files/ and directory, for a relative lookup('file'). */
function readLookupFile(path: string, scope: VariableScope | undefined): string {
  const candidates: string[] = [];
  if (isAbsolute(path)) candidates.push(path);
  else {
    const rolePath = scopeString(scope, 'role_path');
    const playbookDir = scopeString(scope, 'playbook_dir');
    if (rolePath !== undefined) candidates.push(join(rolePath, 'files', path), join(rolePath, path));
    if (playbookDir !== undefined) candidates.push(join(playbookDir, 'files', path), join(playbookDir, path));
    candidates.push(join(process.cwd(), path));
  }
  for (const candidate of candidates) {
    let text: string;
    try {
      text = readFileSync(candidate, 'utf8');
    } catch {
      continue; // try the next place
    }
    // a vault-encrypted file is read decrypted, as Ansible's file lookup does (a wrong password is an error), and
    // without its trailing whitespace (the lookup's rstrip=True)
    return decryptFileText(text, candidate).trimEnd();
  }
  throw new Error(`lookup('file'): could not find or read '${path}' (searched ${candidates.join(', ')})`);
}

export function runLookup(plugin: string, terms: unknown[], scope: VariableScope | undefined): unknown[] {
  switch (plugin) {
    // What the environment and files say is data, as Ansible's lookups return it (unsafe): a file fetched from a
    // host, or a variable someone exported, is never rendered as a template afterwards.
    case 'env':
    case 'ansible.builtin.env':
      scope?.noteUnsafe();
      return terms.map((term) => process.env[String(term)] ?? '');
    case 'file':
    case 'ansible.builtin.file':
      scope?.noteUnsafe();
      return terms.map((term) => readLookupFile(String(term), scope));
    case 'vars':
    case 'ansible.builtin.vars':
      return terms.map((term) => {
        const name = String(term);
        if (scope === undefined || !scope.has(name)) throw new Error(`lookup('vars'): no variable named '${name}'`);
        return scope.get(name);
      });
    case 'items':
    case 'list':
    case 'ansible.builtin.items':
    case 'ansible.builtin.list':
      return terms.flatMap((term) => (Array.isArray(term) ? term : [term]));
    default: {
      const controller = controllerLookup(plugin, terms, { cwd: scopeString(scope, 'playbook_dir'), readHostData: scope?.readHostData?.() ?? false });
      if (controller !== undefined) {
        scope?.noteUnsafe(); // what a command prints is data, as Ansible's lookups return it
        return controller;
      }
      const places = { rolePath: scopeString(scope, 'role_path'), playbookDir: scopeString(scope, 'playbook_dir') };
      const list = loopLookup(plugin, terms, places);
      if (list !== undefined) return list;
      throw new Error(`lookup plugin '${plugin}' is not supported by airlock (supported: env, file, vars, items, list, pipe, lines, dict, together, nested, subelements, sequence, fileglob, first_found, indexed_items, random_choice; with_inventory_hostnames as a loop)`);
    }
  }
}

export function buildGlobals(scope: () => VariableScope | undefined): Record<string, unknown> {
  const lookup = (...raw: unknown[]): unknown => {
    const args = splitArgs(raw);
    const [plugin, ...terms] = args.positional;
    const results = runLookup(String(plugin), terms, scope());
    const wantList = Boolean(argument(args, -1, 'wantlist', false));
    if (wantList) return results;
    return results.length === 1 ? results[0] : results.map(String).join(',');
  };
  const query = (...raw: unknown[]): unknown[] => {
    const args = splitArgs(raw);
    const [plugin, ...terms] = args.positional;
    return runLookup(String(plugin), terms, scope());
  };
  return { lookup, query, q: query, omit: OMIT, dict: pyDict, now: nowGlobal };
}

/** Python's dict(): of a dict, of [key, value] pairs, and/or of keyword arguments. */
function pyDict(...raw: unknown[]): Record<string, unknown> {
  const args = splitArgs(raw);
  const out: Record<string, unknown> = {};
  const put = (key: unknown, value: unknown): void => {
    Object.defineProperty(out, String(key), { value, enumerable: true, writable: true, configurable: true });
  };
  const [source] = args.positional;
  if (args.positional.length > 1) throw new Error(`dict expected at most 1 argument, got ${args.positional.length}`);
  if (isMapping(source)) for (const [key, value] of Object.entries(source)) put(key, value);
  else if (Array.isArray(source)) {
    source.forEach((pair, index) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`dictionary update sequence element #${index} has length ${Array.isArray(pair) ? pair.length : 1}; 2 is required`);
      put(pair[0], pair[1]);
    });
  } else if (source !== undefined) throw new Error('dict(): expected a dict or a list of [key, value] pairs');
  for (const [key, value] of Object.entries(args.keywords)) put(key, value);
  return out;
}

/** Ansible's now(utc=False, fmt=None). */
function nowGlobal(...raw: unknown[]): unknown {
  const args = splitArgs(raw);
  const format = argument(args, 1, 'fmt', undefined);
  return now(Boolean(argument(args, 0, 'utc', false)), format === undefined || format === null ? undefined : String(format));
}

/** Python's range(stop) / range(start, stop[, step]), at most MAX_RANGE_LENGTH numbers. */
function range(...args: unknown[]): number[] {
  const numbers = args.map(Number);
  const [start, stop, step] = numbers.length === 1 ? [0, numbers[0] ?? 0, 1] : [numbers[0] ?? 0, numbers[1] ?? 0, numbers[2] ?? 1];
  if (![start, stop, step].every(Number.isInteger)) throw new Error('range() arguments must be integers');
  if (step === 0) throw new Error('range() arg 3 must not be zero');
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > MAX_RANGE_LENGTH) throw new Error(`range(): ${length} numbers is more than the limit of ${MAX_RANGE_LENGTH}`);
  return Array.from({ length }, (_unused, i) => start + i * step);
}

/** Jinja's cycler(a, b, ...): .next() returns the items in turn, .current the one it returns next, .reset() rewinds. */
function cycler(...items: unknown[]): Record<string, unknown> {
  let position = 0;
  const state: Record<string, unknown> = { current: items[0] ?? null };
  state['next'] = allowCall(() => {
    const item = items[position] ?? null;
    position = (position + 1) % Math.max(1, items.length);
    state['current'] = items[position] ?? null;
    return item;
  });
  state['reset'] = allowCall(() => {
    position = 0;
    state['current'] = items[0] ?? null;
    return null;
  });
  return state;
}

/** Jinja's joiner(sep): '' the first time it is called, `sep` every time after. */
function joiner(separator: unknown = ', '): () => string {
  let used = false;
  return allowCall(() => {
    const out = used ? String(separator) : '';
    used = true;
    return out;
  });
}

export function sandboxedGlobals(): Record<string, unknown> {
  return { range, cycler, joiner };
}
