// The mutable inventory the INI and YAML parsers fill in, with ansible's rules (ansible/inventory/data.py, group.py,
// host.py): 'all' and 'ungrouped' always exist, a host's port is set once, group children must not form a loop,
// and reconcile() puts orphan groups under 'all' and group-less hosts into 'ungrouped'.
import { InputError, type SourceLocation } from '../util/errors.js';
import type { Vars } from './types.js';

/** Assign without ever touching the prototype, even for a variable named `__proto__`. */
export function setVar(vars: Vars, key: string, value: unknown): void {
  Object.defineProperty(vars, key, { value, enumerable: true, writable: true, configurable: true });
}

export interface GroupRecord {
  name: string;
  /** hosts listed directly in the group, in the order they were added */
  hosts: string[];
  children: string[];
  parents: string[];
  /** variables set by inventory files (group_vars/ files are kept apart: they sit at another precedence level) */
  vars: Vars;
  priority: number;
  declaredAt: SourceLocation | undefined;
}

export interface HostRecord {
  name: string;
  vars: Vars;
  /** groups the host was added to directly, in order */
  directGroups: string[];
  declaredAt: SourceLocation | undefined;
}

export class InventoryBuilder {
  readonly groups = new Map<string, GroupRecord>();
  /** in the order hosts were first seen: the order ansible's pattern matching walks hosts */
  readonly hosts = new Map<string, HostRecord>();
  readonly warnings: string[] = [];
  /** the file being parsed: a host records the first one it appears in as inventory_file / inventory_dir */
  currentSource: { file: string; dir: string | null } | undefined;

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string, at?: SourceLocation): string {
    if (name === '') throw new InputError('a group name must not be empty', at);
    if (!this.groups.has(name)) {
      this.groups.set(name, { name, hosts: [], children: [], parents: [], vars: {}, priority: 1, declaredAt: at });
    }
    return name;
  }

  group(name: string): GroupRecord {
    const group = this.groups.get(name);
    if (!group) throw new Error(`internal: group '${name}' does not exist`);
    return group;
  }

  /** add_host: the port is applied only when the host is first defined, as in ansible. */
  addHost(name: string, group: string | undefined, port: number | undefined, at?: SourceLocation): void {
    if (name === '') throw new InputError('a host name must not be empty', at);
    if (/[\s,]/.test(name) || /\p{Cc}/u.test(name)) {
      // ansible would accept it, but such a name can never be matched by a host pattern (patterns split on
      // commas and whitespace), nor be a real host name: reject it.
      throw new InputError(`host name ${JSON.stringify(name)} contains whitespace, a comma or a control character`, at);
    }
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {}, directGroups: [], declaredAt: at };
      this.hosts.set(name, host);
      // as ansible: the source a host first appears in, as host variables (ansible-inventory does not print them)
      setVar(host.vars, 'inventory_file', this.currentSource?.file ?? null);
      setVar(host.vars, 'inventory_dir', this.currentSource?.dir ?? null);
      if (port !== undefined) setVar(host.vars, 'ansible_port', port);
    }
    if (group !== undefined) this.addHostToGroup(this.group(group), host);
  }

  /** membership sets, so that adding thousands of hosts to one group stays linear */
  private readonly members = new Map<string, Set<string>>();

  private addHostToGroup(group: GroupRecord, host: HostRecord): void {
    let members = this.members.get(group.name);
    if (!members || members.size !== group.hosts.length) {
      members = new Set(group.hosts);
      this.members.set(group.name, members);
    }
    if (!members.has(host.name)) {
      members.add(host.name);
      group.hosts.push(host.name);
      host.directGroups.push(group.name);
    }
  }

  setHostVar(host: string, key: string, value: unknown): void {
    const record = this.hosts.get(host);
    if (!record) throw new Error(`internal: host '${host}' does not exist`);
    setVar(record.vars, key, value);
  }

  setGroupVar(group: string, key: string, value: unknown, at?: SourceLocation): void {
    const record = this.group(group);
    if (key === 'ansible_group_priority') {
      // ansible stores this as the group's priority (int(value)), not as a variable
      const priority = typeof value === 'number' ? Math.trunc(value) : typeof value === 'boolean' ? Number(value) : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (Number.isNaN(priority)) throw new InputError(`ansible_group_priority of group '${group}' must be an integer, got ${JSON.stringify(value)}`, at);
      record.priority = priority;
      return;
    }
    setVar(record.vars, key, value);
  }

  /** Every group above `name` (not including itself). */
  ancestors(name: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...this.group(name).parents];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...this.group(next).parents);
    }
    return seen;
  }

  /** add_child: `child` may be a group or a host. */
  addChild(parent: string, child: string, at?: SourceLocation): void {
    const parentGroup = this.groups.get(parent);
    if (!parentGroup) throw new InputError(`'${parent}' is not a known group`, at);
    const childGroup = this.groups.get(child);
    if (childGroup) {
      if (child === parent) throw new InputError(`group '${parent}' cannot be a child of itself`, at);
      if (parentGroup.children.includes(child)) return;
      if (this.ancestors(parent).has(child)) {
        throw new InputError(`adding group '${child}' as a child of '${parent}' creates a loop (ansible: recursive dependency loop)`, at);
      }
      parentGroup.children.push(child);
      if (!childGroup.parents.includes(parent)) childGroup.parents.push(parent);
      return;
    }
    const host = this.hosts.get(child);
    if (!host) throw new InputError(`'${child}' is not a known host nor group`, at);
    this.addHostToGroup(parentGroup, host);
  }

  /** All groups a host is in, directly or through parents ('all' included). */
  hostGroups(host: string): Set<string> {
    const record = this.hosts.get(host);
    const result = new Set<string>();
    for (const direct of record?.directGroups ?? []) {
      result.add(direct);
      for (const ancestor of this.ancestors(direct)) result.add(ancestor);
    }
    return result;
  }

  /** reconcile_inventory: orphan groups go under 'all'; hosts in no group go to 'ungrouped', others leave it. */
  reconcile(): void {
    for (const group of this.groups.values()) {
      if (group.name !== 'all' && this.ancestors(group.name).size === 0) this.addChild('all', group.name);
    }
    const ungrouped = this.group('ungrouped');
    for (const host of this.hosts.values()) {
      const groups = this.hostGroups(host.name);
      if (groups.has('ungrouped')) {
        const others = [...groups].filter((g) => g !== 'all' && g !== 'ungrouped');
        if (others.length > 0) {
          ungrouped.hosts = ungrouped.hosts.filter((h) => h !== host.name);
          host.directGroups = host.directGroups.filter((g) => g !== 'ungrouped');
        }
      } else if (groups.size === 0 || (groups.size === 1 && groups.has('all'))) {
        this.addHostToGroup(ungrouped, host);
      }
    }
    for (const name of this.groups.keys()) {
      if (this.hosts.has(name)) this.warnings.push(`Found both group and host with same name: ${name}`);
    }
  }

  /** Longest path from 'all': ansible's group depth, which orders group variable precedence. */
  depths(): Map<string, number> {
    const depth = new Map<string, number>();
    const visit = (name: string): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      const parents = this.group(name).parents;
      const value = parents.length === 0 ? 0 : Math.max(...parents.map((p) => visit(p) + 1));
      depth.set(name, value);
      return value;
    };
    for (const name of this.groups.keys()) visit(name);
    return depth;
  }
}
