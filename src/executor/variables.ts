// The variables one task sees on one host, merged at Ansible's precedence (lowest first):
//   role defaults < inventory (group/host vars, already merged by the inventory) < gathered facts < play vars
//   < vars_files < role vars < block vars < task vars < include params < include_vars < set_fact/registered
//   < extra vars.
// Merging is shallow (Ansible's default hash_behaviour=replace). Values stay untemplated: the templater resolves
// them lazily on access, so `b: "{{ a }}-x"` sees whichever `a` wins here.
import type { Inventory, Vars } from '../inventory/types.js';
import type { RoleContext } from '../playbook/types.js';
import type { HostState } from './host-state.js';
import type { RunInventory } from './run-inventory.js';

export interface VariableLayers {
  roleDefaults: Vars;
  inventory: Vars;
  facts: Vars;
  playVars: Vars;
  varsFiles: Vars;
  roleVars: Vars;
  blockVars: Vars;
  taskVars: Vars;
  includeParams: Vars;
  includedVars: Vars;
  setFacts: Vars;
  extraVars: Vars;
}

/** The precedence order, lowest first; exported so that the unit test's table is the documentation. */
export const PRECEDENCE: ReadonlyArray<keyof VariableLayers> = [
  'roleDefaults', 'inventory', 'facts', 'playVars', 'varsFiles', 'roleVars', 'blockVars', 'taskVars', 'includeParams', 'includedVars', 'setFacts', 'extraVars',
];

export function mergeLayers(layers: Partial<VariableLayers>): Vars {
  const merged: Vars = {};
  for (const name of PRECEDENCE) Object.assign(merged, layers[name] ?? {});
  return merged;
}

/** Run-wide facts that magic variables are built from. */
export interface RunScope {
  /** the loaded inventory plus what add_host and group_by added so far */
  inventory: RunInventory;
  /** every host's state; add_host adds to it */
  hosts: Map<string, HostState>;
  extraVars: Vars;
  playbookDir: string;
  check: boolean;
  diff: boolean;
  omit: unknown;
  tags: string[];
  skipTags: string[];
  /** `groups` is the same for every host: computed once, again after add_host/group_by */
  groups: Record<string, string[]>;
}

export function groupsVar(inventory: Inventory): Record<string, string[]> {
  const groups: Record<string, string[]> = { all: [...inventory.hosts.keys()] };
  for (const name of inventory.groups.keys()) groups[name] = inventory.groupHosts(name);
  return groups;
}

/** Where the current task runs: play-level hosts lists and role. */
export interface PlayScope {
  playHosts: string[];
  /** active hosts of the current batch */
  batchHosts: () => string[];
  playName: string;
}

function hostMagic(run: RunScope, host: HostState): Vars {
  return {
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
    group_names: host.groups.filter((group) => group !== 'all').sort(),
    groups: run.groups,
    playbook_dir: run.playbookDir,
    ansible_check_mode: run.check,
    ansible_diff_mode: run.diff,
    ansible_run_tags: run.tags.length > 0 ? run.tags : ['all'],
    ansible_skip_tags: run.skipTags,
    omit: run.omit,
  };
}

/** What `hostvars[h]` shows: everything known about h that does not depend on the current play or task. */
function hostVarsFor(run: RunScope, host: HostState): Vars {
  return { ...host.inventoryVars, ...host.facts, ...host.includedVars, ...host.setFacts, ...run.extraVars, ...hostMagic(run, host) };
}

/** `hostvars`, computed per host only when a template looks a host up (thousands of hosts x tasks otherwise). */
export function lazyHostvars(run: RunScope): Vars {
  const cache = new Map<string, Vars>();
  const lookup = (name: string): Vars | undefined => {
    const host = run.hosts.get(name);
    if (!host) return undefined;
    let vars = cache.get(name);
    if (!vars) {
      vars = hostVarsFor(run, host);
      cache.set(name, vars);
    }
    return vars;
  };
  return new Proxy<Vars>({}, {
    get: (_target, key) => (typeof key === 'string' ? lookup(key) : undefined),
    has: (_target, key) => typeof key === 'string' && run.hosts.has(key),
    ownKeys: () => [...run.hosts.keys()],
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === 'string' && run.hosts.has(key) ? { enumerable: true, configurable: true, value: lookup(key) } : undefined,
  });
}

export interface TaskScope {
  role: RoleContext | undefined;
  playVars: Vars;
  varsFiles: Vars;
  blockVars: Vars;
  taskVars: Vars;
  includeParams: Vars;
}

/** Every variable visible to one task on one host. */
export function taskVariables(run: RunScope, play: PlayScope, host: HostState, task: TaskScope): Vars {
  const vars = mergeLayers({
    roleDefaults: task.role?.defaults ?? {},
    inventory: host.inventoryVars,
    facts: host.facts,
    playVars: task.playVars,
    varsFiles: task.varsFiles,
    roleVars: task.role?.vars ?? {},
    blockVars: task.blockVars,
    taskVars: task.taskVars,
    includeParams: task.includeParams,
    includedVars: host.includedVars,
    setFacts: host.setFacts,
  });
  const batch = play.batchHosts();
  Object.assign(vars, hostMagic(run, host), {
    hostvars: lazyHostvars(run),
    play_hosts: batch,
    ansible_play_batch: batch,
    ansible_play_hosts: batch,
    ansible_play_hosts_all: play.playHosts,
    ansible_play_name: play.playName,
  });
  if (task.role) Object.assign(vars, { role_name: task.role.name, role_path: task.role.path });
  if (host.lastFailure) Object.assign(vars, { ansible_failed_task: { name: host.lastFailure.task }, ansible_failed_result: host.lastFailure.result });
  // extra vars always win, even over magic-looking names an operator sets on purpose
  return Object.assign(vars, run.extraVars);
}
