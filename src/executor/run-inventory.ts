// The run's inventory: the loaded one plus what add_host and group_by add while the run goes (Ansible's in-memory
// inventory). Later plays' host patterns, `groups`, `group_names` and `hostvars` see the additions; nothing is
// written back to any file. Until the first change every question goes to the loaded inventory unchanged.
import { groupHostsIn } from '../inventory/inventory.js';
import { selectHosts } from '../inventory/pattern.js';
import type { Inventory, InventoryGroup, InventoryHost, Vars } from '../inventory/types.js';

interface MutableGroup {
  name: string;
  hosts: string[];
  children: string[];
  vars: Vars;
}

/** Ansible compares host variables before and after (combine_vars) to decide whether add_host changed anything. */
function sameData(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class RunInventory implements Inventory {
  private readonly groupMap = new Map<string, MutableGroup>();
  private readonly hostMap = new Map<string, InventoryHost>();
  private readonly order: string[];
  private readonly cache = new Map<string, string[]>();
  private changed = false;

  constructor(private readonly base: Inventory) {
    for (const [name, host] of base.hosts) this.hostMap.set(name, host);
    for (const [name, group] of base.groups) this.groupMap.set(name, { name, hosts: [...group.hosts], children: [...group.children], vars: group.vars });
    const defined = (base as { definitionOrder?: unknown }).definitionOrder;
    this.order = Array.isArray(defined) ? defined.map(String) : [...base.hosts.keys()];
    if (!this.groupMap.has('all')) this.groupMap.set('all', { name: 'all', hosts: [...base.hosts.keys()], children: [], vars: {} });
  }

  get hosts(): ReadonlyMap<string, InventoryHost> {
    return this.hostMap;
  }

  get groups(): ReadonlyMap<string, InventoryGroup> {
    return this.groupMap;
  }

  /** host names in the order they were first defined (pattern matching walks them so) */
  get definitionOrder(): readonly string[] {
    return this.order;
  }

  select(pattern: string): string[] {
    return this.changed ? selectHosts(this, pattern).hosts : this.base.select(pattern);
  }

  groupHosts(group: string): string[] {
    if (!this.changed) return this.base.groupHosts(group);
    let hosts = this.cache.get(group);
    if (!hosts) {
      hosts = groupHostsIn(this.groupMap, group);
      this.cache.set(group, hosts);
    }
    return [...hosts];
  }

  /** add_host: the host (new ones join 'all'), its variables merged over what it had, and its groups. True when anything changed. */
  addHost(name: string, groups: readonly string[], vars: Vars): boolean {
    let changed = false;
    let host = this.hostMap.get(name);
    if (!host) {
      host = { name, vars: { ...this.groupMap.get('all')?.vars }, groups: ['all'] };
      this.group('all').hosts.push(name);
      this.order.push(name);
      changed = true;
    }
    const merged: Vars = { ...host.vars, ...vars };
    if (!sameData(merged, host.vars)) changed = true;
    this.hostMap.set(name, { ...host, vars: merged });
    for (const groupName of groups) {
      if (!this.groupMap.has(groupName)) changed = this.createGroup(groupName) || changed;
      const group = this.group(groupName);
      if (!group.hosts.includes(name)) {
        group.hosts.push(name);
        this.inheritGroupVars(name, group);
        changed = true;
      }
    }
    if (changed) this.reconcile([name]);
    return changed;
  }

  /** group_by: the group (and its parents) created as needed, the host put in it. True when anything changed. */
  addToGroup(hostName: string, groupName: string, parents: readonly string[]): boolean {
    let changed = false;
    if (!this.groupMap.has(groupName)) this.createGroup(groupName);
    for (const parent of parents) if (!this.groupMap.has(parent)) changed = this.createGroup(parent) || changed;
    const group = this.group(groupName);
    for (const parent of parents) {
      const parentGroup = this.group(parent);
      if (!parentGroup.children.includes(groupName)) {
        parentGroup.children.push(groupName);
        changed = true;
      }
    }
    if (!group.hosts.includes(hostName)) {
      group.hosts.push(hostName);
      this.inheritGroupVars(hostName, group);
      changed = true;
    }
    // Ansible reconciles even for a group created without anything else changing; the answer stays its own
    this.reconcile([hostName]);
    return changed;
  }

  private group(name: string): MutableGroup {
    return this.groupMap.get(name) as MutableGroup;
  }

  private createGroup(name: string): boolean {
    this.groupMap.set(name, { name, hosts: [], children: [], vars: {} });
    this.changed = true;
    return true;
  }

  /** The variables of a group a host joins apply to it, below what it already has (a host's own win). */
  private inheritGroupVars(hostName: string, group: MutableGroup): void {
    const host = this.hostMap.get(hostName);
    if (host && Object.keys(group.vars).length > 0) this.hostMap.set(hostName, { ...host, vars: { ...group.vars, ...host.vars } });
  }

  /**
   * Ansible's reconcile_inventory: groups with no parent hang under 'all' (only now: a group_by with parents makes
   * the group a child of those alone), hosts in no group but 'all' go to 'ungrouped' and the others leave it, and
   * each host's group list is recomputed.
   */
  private reconcile(names: readonly string[]): void {
    this.changed = true;
    const all = this.group('all');
    const parented = new Set([...this.groupMap.values()].flatMap((group) => group.children));
    for (const name of this.groupMap.keys()) if (name !== 'all' && !parented.has(name)) all.children.push(name);
    const ungrouped = this.groupMap.get('ungrouped');
    for (const name of names) {
      const direct = [...this.groupMap.values()].filter((group) => group.name !== 'all' && group.name !== 'ungrouped' && group.hosts.includes(name));
      if (ungrouped) {
        if (direct.length > 0) ungrouped.hosts = ungrouped.hosts.filter((host) => host !== name);
        else if (!ungrouped.hosts.includes(name)) ungrouped.hosts.push(name);
      }
    }
    this.cache.clear();
    for (const name of names) {
      const host = this.hostMap.get(name);
      if (!host) continue;
      const groups = [...this.groupMap.keys()].filter((group) => this.groupHosts(group).includes(name));
      this.hostMap.set(name, { ...host, groups });
    }
  }
}
