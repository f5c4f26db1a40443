// add_host: a host (and its groups and variables) for the run's in-memory inventory. Like Ansible's action plugin it
// only describes the change ({add_host: {host_name, groups, host_vars}}); the executor applies it to the inventory
// (src/executor/inventory-actions.ts), decides `changed` there, and runs it once per task, not once per host.
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

/** Every argument that is not about the host itself is a host variable (Ansible's special_args). */
// 'host' and 'group' name the host and groups too, yet stay host variables as well: Ansible's list, kept as it is
const SPECIAL_ARGS = new Set(['name', 'hostname', 'groupname', 'groups']);

export interface AddHostRequest {
  host_name: string;
  groups: string[];
  host_vars: Record<string, unknown>;
}

/** Ansible's words for what is wrong with the arguments (its messages, not prefixed, so output matches). */
class AddHostError extends Error {}

/** `host:port` and `[v6]:port`; anything else is a name as written (Ansible: "might still be usable"). */
function splitPort(text: string): { host: string; port: number | undefined } {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  return match ? { host: match[1] as string, port: Number(match[2]) } : { host: text, port: undefined };
}

function groupList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (list === undefined) throw new AddHostError('Groups must be specified as a list.');
  const groups: string[] = [];
  for (const entry of list) {
    const name = String(entry).trim();
    if (!groups.includes(name)) groups.push(name);
  }
  return groups;
}

/** The change add_host asks for, from its (templated) arguments; `name: host:2222` sets the port as Ansible does. */
export function addHostRequest(args: Record<string, unknown>): AddHostRequest {
  const raw = args['name'] ?? args['hostname'] ?? args['host'];
  if (raw === undefined || raw === null || raw === '') throw new AddHostError('name, host or hostname needs to be provided');
  const address = splitPort(String(raw));
  const hostVars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) if (!SPECIAL_ARGS.has(key)) hostVars[key] = value;
  if (address.port !== undefined) hostVars['ansible_ssh_port'] = address.port;
  return { host_name: address.host, groups: groupList(args['groupname'] ?? args['groups'] ?? args['group']), host_vars: hostVars };
}

export const addHostModule: ModuleDefinition = {
  name: 'add_host',
  controllerOnly: true,
  argsSchema: { type: 'object', additionalProperties: true },
  run: async (args): Promise<ModuleResult> => {
    try {
      return { changed: false, data: { add_host: addHostRequest(args) } };
    } catch (error) {
      if (error instanceof AddHostError) return { changed: false, failed: true, msg: error.message };
      throw error;
    }
  },
};
