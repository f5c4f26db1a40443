// What `service` and `systemd` share: one probe exec that names the init system (PID 1's command) and, under
// systemd, the unit's load/active/enabled states; then only the systemctl commands that change something. A host
// without systemd (a container whose PID 1 is a shell or sshd, the lab) gets a clear failure, never a silent ok.
import { sh } from '../../util/shell.js';
import { exec, ModuleArgError, optionalBool, optionalString } from './common.js';
import type { ModuleContext, ModuleResult } from './types.js';

export type UnitState = 'started' | 'stopped' | 'restarted' | 'reloaded';

export interface UnitSpec {
  name: string;
  state?: UnitState;
  enabled?: boolean;
  daemonReload: boolean;
}

export interface UnitStatus {
  /** PID 1's command name */
  init: string;
  /** systemctl show -p LoadState: loaded, not-found, masked... */
  load: string;
  /** systemctl is-active: active, inactive, failed, activating... */
  active: string;
  /** systemctl is-enabled: enabled, disabled, static, masked... ('' when unknown) */
  enabled: string;
}

export function unitProbeCommand(name: string): string {
  return [
    `init=$(cat /proc/1/comm 2>/dev/null)`,
    `printf 'I\\t%s\\n' "$init"`,
    `if [ "$init" = systemd ]; then ${sh`printf 'L\\t%s\\n' "$(systemctl show -p LoadState --value -- ${name})"`}; ` +
      `${sh`printf 'A\\t%s\\n' "$(systemctl is-active -- ${name})"`}; ${sh`printf 'E\\t%s\\n' "$(systemctl is-enabled -- ${name} 2>/dev/null)"`}; fi`,
  ].join('; ');
}

export function parseUnitProbe(stdout: string): UnitStatus {
  const status: UnitStatus = { init: '', load: '', active: '', enabled: '' };
  for (const line of stdout.split('\n')) {
    const [tag, ...rest] = line.split('\t');
    const value = rest.join('\t').trim();
    if (tag === 'I') status.init = value;
    else if (tag === 'L') status.load = value;
    else if (tag === 'A') status.active = value;
    else if (tag === 'E') status.enabled = value;
  }
  return status;
}

/** The systemctl commands that bring the unit from `status` to `spec`, in order. */
export function unitCommands(spec: UnitSpec, status: UnitStatus): string[] {
  const commands: string[] = [];
  if (spec.enabled === true && status.enabled !== 'enabled' && status.enabled !== 'static') commands.push(sh`systemctl enable -- ${spec.name}`);
  if (spec.enabled === false && status.enabled === 'enabled') commands.push(sh`systemctl disable -- ${spec.name}`);
  const active = status.active === 'active' || status.active === 'activating' || status.active === 'reloading';
  if (spec.state === 'started' && !active) commands.push(sh`systemctl start -- ${spec.name}`);
  if (spec.state === 'stopped' && active) commands.push(sh`systemctl stop -- ${spec.name}`);
  if (spec.state === 'restarted') commands.push(sh`systemctl restart -- ${spec.name}`);
  if (spec.state === 'reloaded') commands.push(active ? sh`systemctl reload -- ${spec.name}` : sh`systemctl start -- ${spec.name}`);
  return commands;
}

const STATES: readonly UnitState[] = ['started', 'stopped', 'restarted', 'reloaded'];

export function parseUnitSpec(module: string, args: Record<string, unknown>, unsupported: readonly string[]): UnitSpec {
  for (const key of unsupported) if (args[key] !== undefined && args[key] !== null) throw new ModuleArgError(module, `'${key}' is not supported by airlock`);
  const name = optionalString(module, args, 'name');
  const daemonReload = optionalBool(module, args, 'daemon_reload', false);
  if ((name === undefined || name === '') && !daemonReload) throw new ModuleArgError(module, "'name' is required");
  const state = optionalString(module, args, 'state');
  if (state !== undefined && !STATES.includes(state as UnitState)) throw new ModuleArgError(module, `'state' must be one of ${STATES.join(', ')}, got ${state}`);
  const spec: UnitSpec = { name: name ?? '', daemonReload };
  if (state !== undefined) spec.state = state as UnitState;
  if (args['enabled'] !== undefined && args['enabled'] !== null) spec.enabled = optionalBool(module, args, 'enabled', false);
  if (spec.state === undefined && spec.enabled === undefined && !daemonReload) throw new ModuleArgError(module, "one of 'state', 'enabled' or 'daemon_reload' is required");
  return spec;
}

export async function manageUnit(ctx: ModuleContext, module: string, spec: UnitSpec): Promise<ModuleResult> {
  const probed = await exec(ctx, unitProbeCommand(spec.name === '' ? 'airlock-none.service' : spec.name));
  const status = parseUnitProbe(probed.stdout);
  if (status.init !== 'systemd') {
    return { changed: false, failed: true, msg: `${module}: not available on this host: no systemd (PID 1 is ${status.init === '' ? 'unknown' : status.init})` };
  }
  const commands: string[] = [];
  // a daemon-reload is not a change to report (Ansible's systemd module does not count it either)
  if (spec.daemonReload && !ctx.check) commands.push('systemctl daemon-reload');
  if (spec.name !== '' && status.load === 'not-found') return { changed: false, failed: true, msg: `Could not find the requested service ${spec.name}: host` };
  const changes = spec.name === '' ? [] : unitCommands(spec, status);
  if (!ctx.check) commands.push(...changes);
  if (commands.length > 0) {
    const result = await exec(ctx, commands.join(' && '));
    if (result.rc !== 0) return { changed: changes.length > 0, failed: true, rc: result.rc, msg: `${module}: ${result.stderr.trim()}` };
  }
  const data: Record<string, unknown> = { name: spec.name };
  if (spec.state !== undefined) data['state'] = spec.state;
  if (spec.enabled !== undefined) data['enabled'] = spec.enabled;
  return { changed: changes.length > 0, data };
}

export const unitArgsSchema = {
  name: { type: 'string' },
  state: { enum: STATES },
  enabled: { type: ['boolean', 'string'] },
  daemon_reload: { type: ['boolean', 'string'] },
} as const;
