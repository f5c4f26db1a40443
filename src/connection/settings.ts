// How to reach one host, read from Ansible's connection variables (already templated by the caller).
// Pure: no file system, no network. The pool turns these settings into a live connection.
import { userInfo, homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../util/errors.js';
import type { Vars } from '../types/vars.js';
import { parseJumpList, parseSshArgsForJumps, type JumpSpec } from './jump-spec.js';

export type { JumpSpec } from './jump-spec.js';

export interface BecomeSettings {
  /** ansible_become: run tasks through sudo by default */
  enabled: boolean;
  /** ansible_become_user (default root) */
  user: string;
  /** ansible_become_password / ansible_become_pass; never logged */
  password?: string;
}

export interface ConnectionSettings {
  /** inventory name */
  host: string;
  transport: 'ssh' | 'local';
  /** ansible_host, else the inventory name */
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  /** set only when ansible_password / ansible_ssh_pass is given: password auth is never tried otherwise */
  password?: string;
  become: BecomeSettings;
  /** hops in the order they are traversed: jumps[0] is reached directly from the controller */
  jumps: JumpSpec[];
  /** airlock_known_hosts: extra known_hosts files for this host, checked before the pool's defaults */
  knownHostsFiles: string[];
  /** ansible_ssh_timeout (seconds in the inventory), in ms */
  connectTimeoutMs?: number;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

function fail(host: string, message: string): never {
  throw new InputError(`host ${host}: ${message}`);
}

function optionalString(host: string, vars: Vars, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = vars[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    fail(host, `${name} must be a string, got ${typeof value}`);
  }
  return undefined;
}

function optionalInteger(host: string, vars: Vars, name: string, min: number, max: number): number | undefined {
  const value = vars[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) fail(host, `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** Ansible's boolean conversion (yes/no, true/false, 1/0, on/off). */
function optionalBoolean(host: string, vars: Vars, name: string): boolean | undefined {
  const value = vars[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (['yes', 'true', '1', 'on', 'y', 't'].includes(text)) return true;
  if (['no', 'false', '0', 'off', 'n', 'f', ''].includes(text)) return false;
  fail(host, `${name} must be a boolean, got ${JSON.stringify(value)}`);
}

export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

function fileList(host: string, vars: Vars, name: string): string[] {
  const value = vars[name];
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item !== 'string' || item === '') fail(host, `${name} must be a path or a list of paths`);
    const path = expandHome(item);
    return isAbsolute(path) ? path : join(process.cwd(), path);
  });
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'root';
  }
}

function transportOf(host: string, vars: Vars, address: string): 'ssh' | 'local' {
  const explicit = optionalString(host, vars, 'ansible_connection');
  if (explicit === undefined || explicit === 'smart') {
    // Ansible makes `localhost` implicit-local only when it is not given another address.
    return LOCAL_NAMES.has(host) && LOCAL_NAMES.has(address) ? 'local' : 'ssh';
  }
  if (explicit === 'ssh' || explicit === 'paramiko' || explicit === 'ansible.builtin.ssh') return 'ssh';
  if (explicit === 'local' || explicit === 'ansible.builtin.local') return 'local';
  fail(host, `ansible_connection ${JSON.stringify(explicit)} is not supported (use ssh or local)`);
}

function becomeOf(host: string, vars: Vars): BecomeSettings {
  const method = optionalString(host, vars, 'ansible_become_method');
  if (method !== undefined && method !== 'sudo') fail(host, `ansible_become_method ${JSON.stringify(method)} is not supported (only sudo)`);
  const password = optionalString(host, vars, 'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass');
  return {
    enabled: optionalBoolean(host, vars, 'ansible_become') ?? false,
    user: optionalString(host, vars, 'ansible_become_user') ?? 'root',
    ...(password === undefined ? {} : { password }),
  };
}

function jumpsOf(host: string, vars: Vars): JumpSpec[] {
  const own = vars['airlock_jump'];
  if (own !== undefined && own !== null && own !== '') {
    try {
      return parseJumpList(own);
    } catch (error) {
      fail(host, `airlock_jump: ${(error as Error).message}`);
    }
  }
  for (const name of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const args = optionalString(host, vars, name);
    if (args === undefined) continue;
    try {
      const jumps = parseSshArgsForJumps(args);
      if (jumps.length > 0) return jumps;
    } catch (error) {
      fail(host, `${name}: ${(error as Error).message}`);
    }
  }
  return [];
}

export function connectionSettings(host: string, vars: Vars): ConnectionSettings {
  const address = optionalString(host, vars, 'ansible_host', 'ansible_ssh_host') ?? host;
  const transport = transportOf(host, vars, address);
  const privateKey = optionalString(host, vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file');
  const password = optionalString(host, vars, 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password');
  const timeoutSeconds = optionalInteger(host, vars, 'ansible_ssh_timeout', 1, 86_400) ?? optionalInteger(host, vars, 'ansible_timeout', 1, 86_400);
  return {
    host,
    transport,
    address,
    port: optionalInteger(host, vars, 'ansible_port', 1, 65_535) ?? optionalInteger(host, vars, 'ansible_ssh_port', 1, 65_535) ?? 22,
    user: optionalString(host, vars, 'ansible_user', 'ansible_ssh_user') ?? currentUser(),
    ...(privateKey === undefined || privateKey === '' ? {} : { privateKeyFile: expandHome(privateKey) }),
    ...(password === undefined ? {} : { password }),
    become: becomeOf(host, vars),
    jumps: transport === 'local' ? [] : jumpsOf(host, vars),
    knownHostsFiles: fileList(host, vars, 'airlock_known_hosts'),
    ...(timeoutSeconds === undefined ? {} : { connectTimeoutMs: timeoutSeconds * 1000 }),
  };
}
