// loadInventory: parse every -i source, then merge variables at ansible's precedence, lowest first:
//   'all' group (inventory) < other groups (inventory; by depth, then ansible_group_priority, then name)
//   < group_vars/all < group_vars/<group> (same group order; per source, later sources win)
//   < host (inventory) < host_vars/<host>
// which is VariableManager.get_vars with the default VARIABLE_PRECEDENCE, minus play and extra vars.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../util/errors.js';
import { InventoryBuilder } from './builder.js';
import { LoadedInventory, type LoadedGroup, type LoadedHost } from './inventory.js';
import { parseSources } from './sources.js';
import type { Inventory, Vars } from './types.js';
import { loadEntityVars } from './vars-files.js';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function merge(...layers: Vars[]): Vars {
  const out: Vars = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

export async function loadInventory(sources: string[], options: { cwd?: string } = {}): Promise<LoadedInventory & Inventory> {
  if (sources.length === 0) throw new InputError('no inventory given: pass -i FILE (YAML or INI), a directory, or host1,host2,');
  const cwd = options.cwd ?? process.cwd();
  const builder = new InventoryBuilder();
  const { varsDirs } = await parseSources(sources, cwd, builder);
  builder.reconcile();
  const depths = builder.depths();

  // group_vars/ per source directory, for every group (a directory listed twice is read once)
  const dirs = [...new Set(varsDirs)];
  const groupFileVars = new Map<string, Map<string, Vars>>();
  for (const dir of dirs) {
    const perGroup = new Map<string, Vars>();
    for (const name of builder.groups.keys()) perGroup.set(name, await loadEntityVars(dir, 'group_vars', name));
    groupFileVars.set(dir, perGroup);
  }
  const fileVarsOf = (dir: string, group: string): Vars => groupFileVars.get(dir)?.get(group) ?? {};

  const groups = new Map<string, LoadedGroup>();
  for (const record of builder.groups.values()) {
    groups.set(record.name, {
      name: record.name,
      hosts: [...record.hosts],
      children: [...record.children],
      parents: [...record.parents],
      inventoryVars: record.vars,
      vars: merge(record.vars, ...varsDirs.map((d) => fileVarsOf(d, record.name))),
      priority: record.priority,
      depth: depths.get(record.name) ?? 0,
    });
  }
  const sortKey = (a: LoadedGroup, b: LoadedGroup): number =>
    a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

  // most inventories have no host_vars/: look for it once per directory, not once per host
  const hostVarsDirs: string[] = [];
  for (const dir of dirs) if (await isDirectory(join(dir, 'host_vars'))) hostVarsDirs.push(dir);

  const hosts = new Map<string, LoadedHost>();
  for (const record of builder.hosts.values()) {
    const memberOf = [...builder.hostGroups(record.name)].map((g) => groups.get(g) as LoadedGroup);
    const sorted = memberOf.filter((g) => g.name !== 'all').sort(sortKey);
    const all = groups.get('all') as LoadedGroup;
    const hostFileVars: Vars[] = [];
    for (const dir of varsDirs) if (hostVarsDirs.includes(dir)) hostFileVars.push(await loadEntityVars(dir, 'host_vars', record.name));
    const vars = merge(
      all.inventoryVars,
      ...sorted.map((g) => g.inventoryVars),
      ...varsDirs.map((d) => fileVarsOf(d, 'all')),
      ...varsDirs.flatMap((d) => sorted.map((g) => fileVarsOf(d, g.name))),
      record.vars,
      ...hostFileVars,
    );
    hosts.set(record.name, {
      name: record.name,
      vars,
      ownVars: merge(record.vars, ...hostFileVars),
      groups: ['all', ...sorted.map((g) => g.name)],
    });
  }

  return new LoadedInventory({
    hosts,
    groups,
    definitionOrder: [...builder.hosts.keys()],
    warnings: builder.warnings,
    sources: [...sources],
    cwd,
  });
}
