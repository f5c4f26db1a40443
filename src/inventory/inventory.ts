// The loaded, read-only inventory: hosts with their merged variables, groups, and host pattern selection.
import type { Inventory, InventoryGroup, InventoryHost, Vars } from './types.js';
import { selectHosts } from './pattern.js';

export interface LoadedGroup extends InventoryGroup {
  /** ansible_group_priority (1 unless set): orders groups of equal depth when merging variables */
  priority: number;
  /** longest path from 'all' */
  depth: number;
  parents: string[];
  /** the group's variables from inventory files only (vars holds those plus group_vars/ files) */
  inventoryVars: Vars;
}

export interface LoadedHost extends InventoryHost {
  /** the host's variables from inventory files and host_vars/ only (including ansible's inventory_file and inventory_dir) (what `ansible-inventory --list --export` shows) */
  ownVars: Vars;
}

export class LoadedInventory implements Inventory {
  readonly hosts: ReadonlyMap<string, LoadedHost>;
  readonly groups: ReadonlyMap<string, LoadedGroup>;
  /** hosts in the order they were first defined: the order ansible's pattern matching walks host names */
  readonly definitionOrder: readonly string[];
  readonly warnings: readonly string[];
  readonly sources: readonly string[];
  private readonly groupHostsCache = new Map<string, string[]>();

  constructor(init: {
    hosts: Map<string, LoadedHost>;
    groups: Map<string, LoadedGroup>;
    definitionOrder: string[];
    warnings: string[];
    sources: string[];
    cwd: string;
  }) {
    this.groups = init.groups;
    this.definitionOrder = init.definitionOrder;
    this.warnings = init.warnings;
    this.sources = init.sources;
    this.cwd = init.cwd;
    // `hosts` iterates in inventory order: the order `all` yields them, which is what plays use
    const ordered = new Map<string, LoadedHost>();
    for (const name of this.groupHosts('all')) {
      const host = init.hosts.get(name);
      if (host) ordered.set(name, host);
    }
    this.hosts = ordered;
  }

  readonly cwd: string;

  select(pattern: string): string[] {
    return selectHosts(this, pattern, { cwd: this.cwd }).hosts;
  }

  /**
   * All hosts of a group through its children, as ansible's Group.get_hosts(): the group's own hosts, then its
   * children's, level by level (ansible walks each level as a set; we walk it in declaration order).
   */
  groupHosts(group: string): string[] {
    const cached = this.groupHostsCache.get(group);
    if (cached) return [...cached];
    const result = groupHostsIn(this.groups, group);
    this.groupHostsCache.set(group, result);
    return [...result];
  }
}

/**
 * All hosts of a group through its children, as ansible's Group.get_hosts(): the group's own hosts, then its
 * children's, level by level (ansible walks each level as a set; we walk it in declaration order). Shared with the
 * executor's run-time inventory (add_host, group_by).
 */
export function groupHostsIn(groups: ReadonlyMap<string, { name: string; hosts: readonly string[]; children: readonly string[] }>, group: string): string[] {
  const start = groups.get(group);
  if (!start) return [];
  const ordered = [start];
  const seen = new Set<string>([start.name]);
  let level = start.children;
  while (level.length > 0) {
    const next: string[] = [];
    for (const name of level) {
      if (seen.has(name)) continue;
      seen.add(name);
      const g = groups.get(name);
      if (!g) continue;
      ordered.push(g);
      next.push(...g.children);
    }
    level = next;
  }
  const result: string[] = [];
  const seenHosts = new Set<string>();
  for (const g of ordered) {
    for (const host of g.hosts) {
      if (!seenHosts.has(host)) {
        seenHosts.add(host);
        result.push(host);
      }
    }
  }
  return result;
}
