// Projects, storage pools and networks behave alike: an object with a name and a string config map, created once,
// then kept in line key by key. One implementation, three thin modules (lxd_project, lxd_storage, lxd_network).
import { ModuleArgError, optionalString } from './common.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { changedKeys, configMap, lxdGet, lxdName, lxcRun } from './lxc.js';

export interface ConfigObjectPlan {
  /** commands that bring the object to the wanted state, in order; empty when it already is */
  commands: string[];
  changed: boolean;
}

export interface ConfigObjectKind {
  module: string;
  /** REST path of one object, e.g. `/1.0/projects/NAME` */
  apiPath(name: string): string;
  createCommand(name: string, config: Record<string, string>, args: Record<string, unknown>): string;
  setCommand(name: string, key: string, value: string): string;
  deleteCommand(name: string): string;
  /** config keys LXD cannot change after creation (e.g. a pool's source) */
  immutableKeys?: string[];
}

interface ConfigObjectState {
  config?: Record<string, string>;
}

/** Pure: what to run, given the current object (undefined = absent). Tested as exact commands. */
export function planConfigObject(kind: ConfigObjectKind, name: string, state: 'present' | 'absent', config: Record<string, string>,
  current: ConfigObjectState | undefined, args: Record<string, unknown> = {}): ConfigObjectPlan {
  if (state === 'absent') {
    return current ? { commands: [kind.deleteCommand(name)], changed: true } : { commands: [], changed: false };
  }
  if (!current) return { commands: [kind.createCommand(name, config, args)], changed: true };
  const keys = changedKeys(current.config, config);
  const frozen = keys.filter((key) => kind.immutableKeys?.includes(key));
  if (frozen.length > 0) {
    throw new ModuleArgError(kind.module, `'${name}' exists with different ${frozen.join(', ')}, which LXD cannot change in place`);
  }
  return { commands: keys.map((key) => kind.setCommand(name, key, config[key] ?? '')), changed: keys.length > 0 };
}

export async function runConfigObject(kind: ConfigObjectKind, args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult> {
  const name = lxdName(kind.module, 'name', args['name']);
  const stateArg = optionalString(kind.module, args, 'state') ?? 'present';
  if (stateArg !== 'present' && stateArg !== 'absent') throw new ModuleArgError(kind.module, `'state' must be present or absent, got ${stateArg}`);
  const config = configMap(kind.module, args['config']);
  const current = await lxdGet<ConfigObjectState>(ctx, kind.apiPath(name));
  const plan = planConfigObject(kind, name, stateArg, config, current, args);
  if (!ctx.check) {
    for (const command of plan.commands) await lxcRun(ctx, command);
  }
  return { changed: plan.changed, data: { name, commands: plan.commands } };
}


