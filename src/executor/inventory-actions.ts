// add_host and group_by act on the run's inventory, not on a host: their modules only describe the change, and this
// applies it (as Ansible's strategy does with the action plugins' results) before changed_when and register see the
// result. `changed` is whether the inventory changed, as in Ansible. The host states of the run follow: a new host
// gets one (so later plays can target it), an existing one gets its new groups and variables.
import type { Vars } from '../inventory/types.js';
import { newHostState, type HostState } from './host-state.js';
import type { ItemOutcome } from './register.js';
import type { PlayRuntime } from './runtime.js';
import { groupsVar } from './variables.js';

/** add_host runs once per task whatever the play's hosts (Ansible's BYPASS_HOST_LOOP): on the first one. */
export function bypassesHostLoop(module: string): boolean {
  return module === 'add_host';
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

function syncHostState(rt: PlayRuntime, name: string): void {
  const inventoryHost = rt.run.inventory.hosts.get(name);
  if (!inventoryHost) return;
  const state = rt.run.hosts.get(name);
  if (state) {
    state.inventoryVars = inventoryHost.vars;
    state.groups = inventoryHost.groups;
  } else {
    rt.run.hosts.set(name, newHostState(inventoryHost));
  }
  // the host's connection variables may be new (ansible_host, ansible_port): template them again when next needed
  rt.connectionVars.delete(name);
}

/** Applies the item's inventory change, if it asks for one; sets its `changed`. Only these two modules may. */
export function applyInventoryChange(rt: PlayRuntime, module: string, host: HostState, outcome: ItemOutcome): void {
  if ((module !== 'add_host' && module !== 'group_by') || outcome.failed || outcome.skipped || outcome.data === undefined) return;
  const added = outcome.data['add_host'] as { host_name?: unknown; groups?: unknown; host_vars?: unknown } | undefined;
  const group = outcome.data['add_group'];
  if (added !== undefined && typeof added.host_name === 'string' && isStringList(added.groups)) {
    outcome.changed = rt.run.inventory.addHost(added.host_name, added.groups, (added.host_vars ?? {}) as Vars);
    syncHostState(rt, added.host_name);
  } else if (typeof group === 'string' && isStringList(outcome.data['parent_groups'])) {
    outcome.changed = rt.run.inventory.addToGroup(host.name, group, outcome.data['parent_groups']);
    syncHostState(rt, host.name);
  } else {
    return;
  }
  rt.run.groups = groupsVar(rt.run.inventory);
}
