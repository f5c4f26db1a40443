// Functions every template can call: lookup()/query() for 'env', 'file', 'vars', 'items'/'list', and `omit`.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { argument, splitArgs } from './template-args.js';
import type { VariableScope } from './template-runtime.js';

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
    try {
      return readFileSync(candidate, 'utf8').replace(/\n+$/, '');
    } catch {
      // try the next place
    }
  }
  throw new Error(`lookup('file'): could not find or read '${path}' (searched ${candidates.join(', ')})`);
}

function runLookup(plugin: string, terms: unknown[], scope: VariableScope | undefined): unknown[] {
  switch (plugin) {
    case 'env':
    case 'ansible.builtin.env':
      return terms.map((term) => process.env[String(term)] ?? '');
    case 'file':
    case 'ansible.builtin.file':
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
    default:
      throw new Error(`lookup plugin '${plugin}' is not supported by airlock (supported: env, file, vars, items, list)`);
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
  return { lookup, query, q: query, omit: OMIT };
}
