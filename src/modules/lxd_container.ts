// lxd_container: an instance of the stack (MISP, database, key-value store, modules), created from an image alias in
// the stack's project, kept at the wanted profiles/config/devices, and brought to started/stopped/restarted/absent or
// renamed. "started" waits (with a timeout, unlike upstream's endless poll) until LXD reports it running with an IPv4
// address from the bridge, because every next step (DNS names, database grants) needs that address.
import { abortableSleep, ModuleArgError, optionalBool, optionalNumber, optionalString } from './lib/common.js';
import type { ModuleContext, ModuleDefinition } from './lib/types.js';
import { apiPath, changedKeys, configMap, deviceMap, lxc, lxcRun, lxdGet, lxdName, projectArg } from './lib/lxc.js';
import { lxdModuleResult } from './lib/lxd-result.js';

export type ContainerState = 'started' | 'stopped' | 'restarted' | 'absent' | 'renamed';

export interface InstanceInfo {
  name: string;
  status: string;
  config?: Record<string, string>;
  devices?: Record<string, Record<string, string>>;
  profiles?: string[];
}

export interface ContainerSpec {
  name: string;
  project: string | undefined;
  state: ContainerState;
  image: string | undefined;
  /** undefined: leave the instance's profiles alone */
  profiles: string[] | undefined;
  config: Record<string, string>;
  devices: Record<string, Record<string, string>>;
  newName: string | undefined;
  forceStop: boolean;
  stopTimeout: number;
}

/** Pure: the exact lxc commands that bring the instance from `current` to `spec` (tested as such). */
export function planContainer(spec: ContainerSpec, current: InstanceInfo | undefined, renamedTarget?: InstanceInfo): string[] {
  const { name, project } = spec;
  const running = current?.status === 'Running';
  const stop = (instance: string): string =>
    lxc(['stop', instance, ...(spec.forceStop ? ['--force'] : ['--timeout', spec.stopTimeout])], project);
  if (spec.state === 'absent') {
    if (!current) return [];
    return [lxc(['delete', name, ...(running ? ['--force'] : [])], project)];
  }
  if (spec.state === 'renamed') {
    if (!spec.newName) throw new ModuleArgError('lxd_container', "state 'renamed' needs 'new_name'");
    if (!current) {
      if (renamedTarget) return [];
      throw new ModuleArgError('lxd_container', `cannot rename '${name}': neither it nor '${spec.newName}' exists`);
    }
    return [...(running ? [stop(name)] : []), lxc(['move', name, spec.newName], project)];
  }
  const commands: string[] = [];
  if (!current) {
    if (!spec.image) throw new ModuleArgError('lxd_container', `'${name}' does not exist and no 'image' was given to create it from`);
    commands.push(lxc(['init', spec.image, name, ...(spec.profiles ?? []).flatMap((p) => ['--profile', p]),
      ...Object.entries(spec.config).flatMap(([k, v]) => ['--config', `${k}=${v}`])], project));
    for (const [device, settings] of Object.entries(spec.devices)) {
      commands.push(deviceAdd(name, device, settings, project));
    }
  } else {
    if (spec.profiles && spec.profiles.join(',') !== (current.profiles ?? []).join(',')) {
      commands.push(lxc(['profile', 'assign', name, spec.profiles.join(',')], project));
    }
    for (const key of changedKeys(current.config, spec.config)) {
      commands.push(lxc(['config', 'set', name, key, spec.config[key] ?? ''], project));
    }
    for (const [device, settings] of Object.entries(spec.devices)) {
      const have = current.devices?.[device];
      if (have && JSON.stringify(Object.entries(have).sort()) === JSON.stringify(Object.entries(settings).sort())) continue;
      if (have) commands.push(lxc(['config', 'device', 'remove', name, device], project));
      commands.push(deviceAdd(name, device, settings, project));
    }
  }
  if (spec.state === 'started' && !running) commands.push(lxc(['start', name], project));
  if (spec.state === 'stopped' && running) commands.push(stop(name));
  if (spec.state === 'restarted') commands.push(running ? lxc(['restart', name, '--timeout', spec.stopTimeout], project) : lxc(['start', name], project));
  return commands;
}

function deviceAdd(instance: string, device: string, settings: Record<string, string>, project: string | undefined): string {
  const { type, ...rest } = settings;
  if (!type) throw new ModuleArgError('lxd_container', `device '${device}' needs a 'type' (disk, nic, proxy, ...)`);
  return lxc(['config', 'device', 'add', instance, device, type, ...Object.entries(rest).map(([k, v]) => `${k}=${v}`)], project);
}

interface InstanceStateInfo {
  status: string;
  network?: Record<string, { addresses?: Array<{ family: string; address: string; scope: string }> }>;
}

export function ipv4Of(state: InstanceStateInfo | undefined): string | undefined {
  return state?.network?.['eth0']?.addresses?.find((a) => a.family === 'inet' && a.scope === 'global')?.address;
}

/** Poll until LXD reports Running with an IPv4 on eth0, or fail after `timeoutS`. */
async function waitForAddress(ctx: ModuleContext, name: string, project: string | undefined, timeoutS: number): Promise<string> {
  const deadline = Date.now() + timeoutS * 1000;
  let last: InstanceStateInfo | undefined;
  for (;;) {
    last = await lxdGet<InstanceStateInfo>(ctx, apiPath(`/1.0/instances/${name}/state`, project));
    const address = ipv4Of(last);
    if (last?.status === 'Running' && address) return address;
    if (Date.now() > deadline) {
      throw new ModuleArgError('lxd_container', `'${name}' is ${last?.status ?? 'gone'} without an IPv4 address on eth0 after ${timeoutS} s`);
    }
    await abortableSleep(500, ctx.signal);
  }
}

function readSpec(args: Record<string, unknown>): ContainerSpec & { wait: boolean; timeout: number } {
  const module = 'lxd_container';
  const state = (optionalString(module, args, 'state') ?? 'started') as ContainerState;
  if (!['started', 'stopped', 'restarted', 'absent', 'renamed'].includes(state)) {
    throw new ModuleArgError(module, `'state' must be started, stopped, restarted, absent or renamed, got ${state}`);
  }
  const profiles = args['profiles'];
  if (profiles !== undefined && (!Array.isArray(profiles) || profiles.some((p) => typeof p !== 'string'))) {
    throw new ModuleArgError(module, "'profiles' must be a list of profile names");
  }
  return {
    name: lxdName(module, 'name', args['name']),
    project: projectArg(module, args),
    state,
    image: optionalString(module, args, 'image'),
    profiles: profiles === undefined ? undefined : (profiles as string[]).map((p) => lxdName(module, 'profiles[]', p)),
    config: configMap(module, args['config']),
    devices: deviceMap(module, args['devices']),
    newName: args['new_name'] === undefined ? undefined : lxdName(module, 'new_name', args['new_name']),
    forceStop: optionalBool(module, args, 'force_stop', false),
    stopTimeout: optionalNumber(module, args, 'stop_timeout', 30),
    wait: optionalBool(module, args, 'wait_for_ipv4', true),
    timeout: optionalNumber(module, args, 'timeout', 120),
  };
}

export const lxdContainerModule: ModuleDefinition = {
  name: 'lxd_container',
  argsSchema: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      project: { type: 'string' },
      state: { enum: ['started', 'stopped', 'restarted', 'absent', 'renamed'] },
      image: { type: 'string' },
      profiles: { type: 'array', items: { type: 'string' } },
      config: { type: 'object' },
      devices: { type: 'object' },
      new_name: { type: 'string' },
      force_stop: { type: ['boolean', 'string'] },
      stop_timeout: { type: ['number', 'string'] },
      wait_for_ipv4: { type: ['boolean', 'string'] },
      timeout: { type: ['number', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    lxdModuleResult(async () => {
      const spec = readSpec(args);
      const current = await lxdGet<InstanceInfo>(ctx, apiPath(`/1.0/instances/${spec.name}`, spec.project));
      const target = spec.state === 'renamed' && spec.newName
        ? await lxdGet<InstanceInfo>(ctx, apiPath(`/1.0/instances/${spec.newName}`, spec.project))
        : undefined;
      const commands = planContainer(spec, current, target);
      if (ctx.check) return { changed: commands.length > 0, data: { name: spec.name, commands } };
      for (const command of commands) await lxcRun(ctx, command);
      const data: Record<string, unknown> = { name: spec.newName ?? spec.name, commands };
      if ((spec.state === 'started' || spec.state === 'restarted') && spec.wait) {
        data['ipv4'] = await waitForAddress(ctx, spec.name, spec.project, spec.timeout);
      }
      return { changed: commands.length > 0, data };
    }),
};
