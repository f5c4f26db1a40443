// What `ansible-inventory --list`, `--graph [--vars]` and `--host` print, built from a loaded inventory, so that
// operators (and our parity tests) can compare airlock's reading of an inventory with ansible's, byte for byte
// where the value types allow it.
import { InputError } from '../util/errors.js';
import type { LoadedGroup, LoadedInventory } from './inventory.js';
import type { Vars } from './types.js';
import { UnsafeText } from '../util/unsafe.js';

/** Variables ansible-inventory never prints (magic and internal variables). */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources', 'ansible_limit',
  'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity', 'ansible_version', 'inventory_dir',
  'inventory_file', 'inventory_hostname', 'inventory_hostname_short', 'groups', 'group_names', 'omit', 'playbook_dir',
]);

function withoutInternal(vars: Vars): Vars {
  return Object.fromEntries(Object.entries(vars).filter(([k]) => !INTERNAL_VARS.has(k)));
}

function group(inventory: LoadedInventory, name: string): LoadedGroup {
  const g = inventory.groups.get(name);
  if (!g) throw new Error(`internal: no group ${name}`);
  return g;
}

/** `ansible-inventory --list`: groups with hosts and children, and `_meta.hostvars`. */
export function inventoryList(inventory: LoadedInventory): Record<string, unknown> {
  const seen = new Set<string>();
  const format = (name: string): Record<string, unknown> => {
    const g = group(inventory, name);
    const entry: { hosts?: string[]; children?: string[] } = {};
    const results: Record<string, unknown> = { [name]: entry };
    if (name !== 'all') entry.hosts = [...g.hosts];
    entry.children = [];
    for (const child of g.children) {
      entry.children.push(child);
      if (!seen.has(child)) {
        Object.assign(results, format(child));
        seen.add(child);
      }
    }
    if (entry.hosts?.length === 0) delete entry.hosts;
    if (entry.children.length === 0) delete entry.children;
    if (Object.keys(entry).length === 0) delete results[name];
    return results;
  };
  const results = format('all');
  const hostvars: Record<string, Vars> = {};
  for (const host of inventory.hosts.values()) {
    const vars = withoutInternal(host.vars);
    if (Object.keys(vars).length > 0) hostvars[host.name] = vars;
  }
  results['_meta'] = { hostvars };
  return results;
}

/** `ansible-inventory --host NAME`: that one host's variables; NAME is a pattern that must match exactly one host. */
export function inventoryHost(inventory: LoadedInventory, pattern: string): Vars {
  const hosts = inventory.select(pattern);
  if (hosts.length !== 1) {
    throw new InputError(`--host needs a pattern matching exactly one host; '${pattern}' matches ${hosts.length === 0 ? 'none' : hosts.length}`);
  }
  return withoutInternal(inventory.hosts.get(hosts[0] as string)?.vars ?? {});
}

function groupDisplayVars(g: LoadedGroup): Vars {
  const vars = { ...g.vars };
  if (g.priority !== 1) vars['ansible_group_priority'] = g.priority;
  return withoutInternal(vars);
}

/** `ansible-inventory --graph [GROUP] [--vars]`: the tree as ansible draws it. */
export function inventoryGraph(inventory: LoadedInventory, start = 'all', showVars = false): string {
  if (!inventory.groups.has(start)) throw new InputError(`--graph takes a group name; '${start}' is not a group of this inventory`);
  const name = (text: string, depth: number): string => (depth > 0 ? `${'  |'.repeat(depth)}--${text}` : text);
  const varLines = (vars: Vars, depth: number): string[] =>
    Object.keys(vars)
      .sort()
      .map((k) => name(`{${k} = ${pythonStr(vars[k])}}`, depth));
  const walk = (groupName: string, depth: number): string[] => {
    const g = group(inventory, groupName);
    const lines = [name(`@${groupName}:`, depth)];
    for (const child of g.children) lines.push(...walk(child, depth + 1));
    if (groupName !== 'all') {
      for (const host of g.hosts) {
        lines.push(name(host, depth + 1));
        if (showVars) lines.push(...varLines(withoutInternal(inventory.hosts.get(host)?.vars ?? {}), depth + 2));
      }
    }
    if (showVars) lines.push(...varLines(groupDisplayVars(g), depth + 1));
    return lines;
  };
  return walk(start, 0).join('\n');
}

/**
 * json.dumps(value, sort_keys=True, indent=4, ensure_ascii=False), as ansible-inventory prints; an !unsafe value
 * prints as Ansible's encoder writes it: {"__ansible_unsafe": "..."}.
 */
export function pythonJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (v instanceof UnsafeText) return { __ansible_unsafe: v.text };
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sortKeys(value), null, 4);
}

/** Python's repr() of a string: single quotes unless the text has ' and no ". */
function pythonRepr(input: unknown): string {
  const value = input instanceof UnsafeText ? input.text : input;
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    let out = '';
    for (const ch of value) {
      const code = ch.codePointAt(0) as number;
      if (ch === '\\') out += '\\\\';
      else if (ch === quote) out += `\\${quote}`;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
      else out += ch;
    }
    return `${quote}${out}${quote}`;
  }
  return pythonStr(value);
}

/** Python's str(): what `--graph --vars` shows. Integral floats print as ints (JS cannot tell 1.0 from 1). */
export function pythonStr(value: unknown): string {
  if (value instanceof UnsafeText) return value.text;
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    if (Number.isInteger(value)) return String(value);
    const abs = Math.abs(value);
    if (abs >= 1e16 || abs < 1e-4) return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}
