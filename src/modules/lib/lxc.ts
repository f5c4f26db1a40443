// Everything the LXD modules share: building `lxc` command lines (through src/util/shell.ts only), reading state as
// JSON with `lxc query` (the LXD REST API through the CLI, so no extra client is needed on the host), and turning
// lxc's failures into task failures that quote lxc's own message.
import { joinCommand } from '../../util/shell.js';
import { abortableSleep, exec, ModuleArgError } from './common.js';
import { alreadyDone, LXC_ATTEMPTS, lxcRetryDelayMs, transient } from './lxc-races.js';
import { outOfSpaceNote, saysOutOfSpace } from './lxd-disk-full.js';
import type { ModuleContext } from './types.js';
import { LxcError } from '../../util/lxc-error.js';

/** LXD's own rule for instance, profile, project and network names (and upstream's `^[a-zA-Z0-9-]+$`). */
const LXD_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;

export function lxdName(module: string, what: string, value: unknown): string {
  if (typeof value !== 'string' || !LXD_NAME.test(value)) {
    throw new ModuleArgError(module, `'${what}' must be an LXD name (letters, digits, '-', at most 63), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The optional `project` argument every LXD module takes (absent: LXD's default project). */
export function projectArg(module: string, args: Record<string, unknown>): string | undefined {
  return args['project'] === undefined ? undefined : lxdName(module, 'project', args['project']);
}

/** `lxc ARGS [--project P]`: the project flag goes last so that commands read as operators type them. */
export function lxc(args: ReadonlyArray<string | number>, project?: string): string {
  return joinCommand(['lxc', ...args, ...(project ? ['--project', project] : [])]);
}

/** `lxc query` path for an API object, scoped to a project where the object lives in one. */
export function apiPath(path: string, project?: string): string {
  return project ? `${path}${path.includes('?') ? '&' : '?'}project=${project}` : path;
}

export { LxcError } from '../../util/lxc-error.js';

/**
 * Run an lxc command that must succeed. An answer saying the goal already holds ("already stopped") is success; an
 * answer saying LXD is busy with its own operation is retried a few times before the task fails (lxc-races.ts).
 */
export async function lxcRun(ctx: ModuleContext, command: string, stdin?: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const result = await exec(ctx, command, stdin === undefined ? {} : { stdin });
    if (result.rc === 0 || alreadyDone(command, result.stderr)) return result.stdout;
    if (saysOutOfSpace(result.stderr)) throw new LxcError(command, result.rc, `${result.stderr.trim()}\n${await outOfSpaceNote(ctx, lxdGet)}`);
    if (attempt >= LXC_ATTEMPTS || !transient(result.stderr)) throw new LxcError(command, result.rc, result.stderr);
    await abortableSleep(lxcRetryDelayMs(attempt), ctx.signal);
  }
}

/** GET an API object; undefined when LXD says it does not exist. */
export async function lxdGet<T>(ctx: ModuleContext, path: string): Promise<T | undefined> {
  const command = joinCommand(['lxc', 'query', path]);
  const result = await exec(ctx, command);
  if (result.rc !== 0) {
    if (/not found/i.test(result.stderr)) return undefined;
    if (/command not found|No such file/i.test(result.stderr)) {
      throw new LxcError(command, result.rc, 'the lxc client is not installed on this host (Debian/Ubuntu package lxd or the lxd snap)');
    }
    throw new LxcError(command, result.rc, result.stderr);
  }
  return JSON.parse(result.stdout) as T;
}

/** String map of LXD config from module args: LXD stores every config value as a string. */
export function configMap(module: string, value: unknown, what = 'config'): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ModuleArgError(module, `'${what}' must be a mapping`);
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (raw === null || typeof raw === 'object') throw new ModuleArgError(module, `'${what}.${key}' must be a string, number or boolean`);
    out[key] = String(raw);
  }
  return out;
}

/** Devices: name -> string map (LXD's shape). */
export function deviceMap(module: string, value: unknown): Record<string, Record<string, string>> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ModuleArgError(module, "'devices' must be a mapping of device name to settings");
  const out: Record<string, Record<string, string>> = {};
  for (const [name, settings] of Object.entries(value as Record<string, unknown>)) {
    out[name] = configMap(module, settings, `devices.${name}`);
  }
  return out;
}

/** The keys of `wanted` whose values differ in `current` (keys only in `current` are left alone: LXD adds its own). */
export function changedKeys(current: Record<string, string> | undefined, wanted: Record<string, string>): string[] {
  return Object.keys(wanted).filter((key) => current?.[key] !== wanted[key]);
}

export function sameDevices(current: Record<string, Record<string, string>> | undefined, wanted: Record<string, Record<string, string>>): boolean {
  const have = current ?? {};
  const names = new Set([...Object.keys(have), ...Object.keys(wanted)]);
  for (const name of names) {
    const a = have[name];
    const b = wanted[name];
    if (!a || !b) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (a[key] !== b[key]) return false;
  }
  return true;
}
