// The inventory as the rest of airlock sees it, once every source (-i, group_vars/, host_vars/) is merged.
// Shape follows `ansible-inventory --list` so that operators recognise it.

export type { Vars } from '../types/vars.js';
import type { Vars } from '../types/vars.js';

export interface InventoryHost {
  name: string;
  /** Variables from the inventory at Ansible's precedence (all < parent groups < child groups < host), already merged. */
  vars: Vars;
  /** Every group the host belongs to, directly or through `children`, `all` included. */
  groups: string[];
}

export interface InventoryGroup {
  name: string;
  /** Hosts listed directly in this group (not through children), in inventory order. */
  hosts: string[];
  children: string[];
  vars: Vars;
}

export interface Inventory {
  /** Every host, in inventory order (the order `order: inventory` uses). */
  readonly hosts: ReadonlyMap<string, InventoryHost>;
  readonly groups: ReadonlyMap<string, InventoryGroup>;
  /** Host names matching an Ansible host pattern (`all`, `a:b`, `a:&b`, `a:!b`, `~re`, `g[0:2]`, `@file`), in inventory order. */
  select(pattern: string): string[];
  /** All hosts of a group, through its children, in inventory order (what `groups['name']` gives in templates). */
  groupHosts(group: string): string[];
}
