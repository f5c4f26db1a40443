// YAML (and JSON) inventories as ansible's `yaml` inventory plugin reads them (plugins/inventory/yaml.py):
// top-level keys are groups; a group has `hosts`, `vars` and `children`; hosts may be ranges and carry vars.
// Where ansible only warns and skips (a group that is not a mapping, an unknown key in a group), we stop with an
// error instead: a skipped group silently drops hosts from a rollout, and an unknown key is nearly always a typo
// (`host:` for `hosts:`, `var:` for `vars:`).
import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { InputError } from '../util/errors.js';
import { expandHostPattern, HostRangeError } from './address.js';
import type { InventoryBuilder } from './builder.js';
import { hasInvalidGroupChars } from './names.js';
import { describeValue, nodeLocation, nodeValue, type LoadedYaml } from '../parsing/yaml-load.js';

const GROUP_KEYS = ['hosts', 'vars', 'children'];

/** True when the document is a YAML inventory (a non-empty mapping that is not a plugin configuration). */
export function looksLikeYamlInventory(loaded: LoadedYaml): boolean {
  const root = loaded.doc.contents;
  return isMap(root) && root.items.length > 0 && !root.has('plugin');
}

export function parseYamlInventory(loaded: LoadedYaml, inventory: InventoryBuilder): void {
  const root = loaded.doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    throw new InputError('the YAML inventory is empty', { file: loaded.file, line: 1, column: 1 });
  }
  if (!isMap(root)) {
    throw new InputError(`a YAML inventory must be a mapping of group names, got ${describeValue(nodeValue(loaded, root))}`, nodeLocation(loaded, root));
  }
  if (root.has('plugin')) {
    throw new InputError("this is an inventory plugin configuration ('plugin:' key), which airlock does not run; write hosts and groups instead", nodeLocation(loaded, root));
  }
  for (const pair of root.items) parseGroup(loaded, pair, inventory);
}

function keyName(loaded: LoadedYaml, pair: Pair, what: string): string {
  const key = nodeValue(loaded, pair.key);
  if (typeof key !== 'string') {
    throw new InputError(`${what} must be a string, got ${describeValue(key)}; enclose it in quotes`, nodeLocation(loaded, pair.key as never));
  }
  return key;
}

/** `section: name` is short for `section: {name: }`, as in ansible. */
function sectionMap(loaded: LoadedYaml, group: string, section: string, pair: Pair): YAMLMap | undefined {
  const value = pair.value;
  if (value === null || (isScalar(value) && value.value === null)) return undefined;
  if (isMap(value)) return value;
  if (isScalar(value) && typeof value.value === 'string') return undefined; // handled by the caller as a single name
  throw new InputError(
    `${section} of group '${group}' must be a mapping, got ${describeValue(nodeValue(loaded, value))}` +
      (section === 'hosts' ? ' (write `hosts:` followed by `name:` lines, not `- name` items)' : ''),
    nodeLocation(loaded, value as never),
  );
}

function parseGroup(loaded: LoadedYaml, pair: Pair, inventory: InventoryBuilder): string {
  const name = keyName(loaded, pair, 'a group name');
  const at = nodeLocation(loaded, pair.key as never);
  const body = pair.value;
  if (body !== null && !(isScalar(body) && body.value === null) && !isMap(body)) {
    throw new InputError(`group '${name}' must be a mapping with hosts, vars or children, got ${describeValue(nodeValue(loaded, body))}`, nodeLocation(loaded, body as never));
  }
  if (hasInvalidGroupChars(name)) {
    inventory.warnings.push(`${at.file}:${at.line}:${at.column}: group name '${name}' is not a valid identifier (letters, digits, _); templates cannot write groups.${name}`);
  }
  inventory.addGroup(name, at);
  if (!isMap(body)) return name;

  for (const item of body.items) {
    const key = nodeValue(loaded, item.key);
    if (typeof key !== 'string' || !GROUP_KEYS.includes(key)) {
      throw new InputError(`unexpected key ${JSON.stringify(key)} in group '${name}': only hosts, vars and children are valid`, nodeLocation(loaded, item.key as never));
    }
    const map = sectionMap(loaded, name, key, item);
    const singleName = isScalar(item.value) && typeof item.value.value === 'string' ? item.value.value : undefined;
    if (key === 'vars') {
      if (singleName !== undefined) inventory.setGroupVar(name, singleName, null);
      // converted as a whole so that anchors and `<<` merge keys resolve as in PyYAML
      const values = map ? (nodeValue(loaded, map) as Record<string, unknown>) : {};
      for (const [varName, value] of Object.entries(values)) inventory.setGroupVar(name, varName, value, nodeLocation(loaded, map as never));
    } else if (key === 'children') {
      if (singleName !== undefined) {
        inventory.addGroup(singleName, nodeLocation(loaded, item.value as never));
        inventory.addChild(name, singleName, nodeLocation(loaded, item.value as never));
      }
      for (const childPair of map?.items ?? []) {
        const child = parseGroup(loaded, childPair, inventory);
        inventory.addChild(name, child, nodeLocation(loaded, childPair.key as never));
      }
    } else {
      if (singleName !== undefined) addHosts(loaded, name, singleName, undefined, nodeLocation(loaded, item.value as never), inventory);
      for (const hostPair of map?.items ?? []) {
        const pattern = nodeValue(loaded, hostPair.key);
        const hostAt = nodeLocation(loaded, hostPair.key as never);
        if (typeof pattern !== 'string') {
          throw new InputError(`host pattern ${JSON.stringify(pattern)} in group '${name}' must be a string; enclose numbers in quotes`, hostAt);
        }
        const value = hostPair.value;
        const vars = value === null || (isScalar(value) && value.value === null) ? undefined : value;
        if (vars !== undefined && !isMap(vars)) {
          throw new InputError(`variables of host '${pattern}' in group '${name}' must be a mapping, got ${describeValue(nodeValue(loaded, vars))}`, nodeLocation(loaded, vars as never));
        }
        addHosts(loaded, name, pattern, vars as YAMLMap | undefined, hostAt, inventory);
      }
    }
  }
  return name;
}

function addHosts(loaded: LoadedYaml, group: string, pattern: string, vars: YAMLMap | undefined, at: ReturnType<typeof nodeLocation>, inventory: InventoryBuilder): void {
  let expanded: { hosts: string[]; port: number | undefined };
  try {
    expanded = expandHostPattern(pattern);
  } catch (error) {
    if (error instanceof HostRangeError) throw new InputError(`bad host range '${pattern}': ${error.message}`, at);
    throw error;
  }
  // converted as a whole so that anchors and `<<` merge keys resolve as in PyYAML
  const values = Object.entries(vars ? (nodeValue(loaded, vars) as Record<string, unknown>) : {});
  for (const host of expanded.hosts) {
    inventory.addHost(host, group, expanded.port, at);
    for (const [key, value] of values) inventory.setHostVar(host, key, value);
  }
}
