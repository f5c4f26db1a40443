// INI inventories exactly as ansible's `ini` inventory plugin reads them (plugins/inventory/ini.py): sections
// `[group]`, `[group:vars]`, `[group:children]`, hosts before any section are 'ungrouped', host lines split with
// shlex and their `k=v` values typed by Python's literal_eval, `[g:vars]` values typed the same way.
import { InputError, type SourceLocation } from '../util/errors.js';
import { expandHostPattern, HostRangeError } from './address.js';
import type { InventoryBuilder } from './builder.js';
import { hasInvalidGroupChars } from './names.js';
import { iniValue } from './python-literal.js';
import { shlexSplit, ShlexError } from '../parsing/shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  state: 'vars' | 'children';
  at: SourceLocation;
  parents: string[];
}

export function parseIni(text: string, file: string, inventory: InventoryBuilder): void {
  const lines = text.split(/\r\n|\r|\n/);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';

  const addPendingChildren = (name: string): void => {
    const entry = pending.get(name);
    if (!entry) return;
    for (const parent of entry.parents) {
      inventory.addChild(parent, name);
      if (pending.get(parent)?.state === 'children') addPendingChildren(parent);
    }
    pending.delete(name);
  };

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const column = raw.indexOf(line.charAt(0)) + 1;
    const at: SourceLocation = { file, line: lineNo, column };

    const section = SECTION.exec(line);
    if (section) {
      const written = section[1] as string;
      group = written;
      if (hasInvalidGroupChars(written)) {
        // ansible (TRANSFORM_INVALID_GROUP_CHARS=never, the default) keeps the name and warns; so do we
        inventory.warnings.push(`${file}:${lineNo}: group name '${written}' is not a valid identifier (letters, digits, _); templates cannot write groups.${written}`);
      }
      const kind = section[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars') {
        throw new InputError(`section [${written}:${kind}] has unknown type '${kind}': expected [${written}], [${written}:vars] or [${written}:children]`, at);
      }
      state = kind;
      if (!inventory.groups.has(group)) {
        // [g:vars] alone does not declare g; remember it and complain at the end if g never shows up
        if (state === 'vars' && !pending.has(group)) pending.set(group, { state, at, parents: [] });
        inventory.addGroup(group, at);
      }
      const waiting = pending.get(group);
      if (waiting && state !== 'vars') {
        if (waiting.state === 'children') addPendingChildren(group);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      throw new InputError(`invalid section entry '${line}': expected [group], [group:vars] or [group:children] with no spaces`, at);
    }

    if (state === 'hosts') {
      parseHostLine(line, at, group, inventory);
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq === -1) throw new InputError(`expected key=value in [${group}:vars], got: ${line}`, at);
      const key = line.slice(0, eq).trim();
      inventory.setGroupVar(group, key, iniValue(line.slice(eq + 1).trim()), at);
    } else {
      const m = GROUP_NAME.exec(line);
      if (!m) throw new InputError(`expected a group name in [${group}:children], got: ${line}`, at);
      const child = m[1] as string;
      if (!inventory.groups.has(child)) {
        const waiting = pending.get(child);
        if (waiting) waiting.parents.push(group);
        else pending.set(child, { state: 'children', at, parents: [group] });
      } else {
        inventory.addChild(group, child, at);
      }
    }
  });

  for (const [name, decl] of pending) {
    if (decl.state === 'vars') {
      throw new InputError(`section [${name}:vars] is for group '${name}', which is not defined anywhere in this file`, decl.at);
    }
    const parent = decl.parents[decl.parents.length - 1];
    throw new InputError(`section [${parent}:children] includes undefined group '${name}': add a [${name}] section`, decl.at);
  }
}

function parseHostLine(line: string, at: SourceLocation, group: string, inventory: InventoryBuilder): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line, { comments: true });
  } catch (error) {
    if (error instanceof ShlexError) throw new InputError(`cannot parse host definition '${line}': ${error.message}`, at);
    throw error;
  }
  const pattern = tokens[0] ?? '';
  let expanded: { hosts: string[]; port: number | undefined };
  try {
    expanded = expandHostPattern(pattern);
  } catch (error) {
    if (error instanceof HostRangeError) throw new InputError(`bad host range '${pattern}': ${error.message}`, at);
    throw error;
  }
  if (pattern.trim().endsWith(':') && expanded.port === undefined) {
    throw new InputError(`invalid host pattern '${pattern}': a trailing ':' must be followed by a port number`, at);
  }
  if (expanded.hosts.some((h) => h.trim() === '---')) {
    throw new InputError(`invalid host pattern '${pattern}': '---' is normally a sign this is a YAML file (name it .yml)`, at);
  }
  const vars: Array<[string, unknown]> = [];
  let offset = line.indexOf(pattern) + pattern.length;
  for (const token of tokens.slice(1)) {
    const found = line.indexOf(token.split('=')[0] ?? token, offset);
    const column = (at.column ?? 1) + (found === -1 ? offset : found);
    if (found !== -1) offset = found;
    const eq = token.indexOf('=');
    if (eq === -1) throw new InputError(`expected key=value host variable assignment, got: ${token}`, { ...at, column });
    vars.push([token.slice(0, eq), iniValue(token.slice(eq + 1))]);
  }
  for (const host of expanded.hosts) {
    inventory.addHost(host, group, expanded.port, at);
    for (const [key, value] of vars) inventory.setHostVar(host, key, value);
  }
}
