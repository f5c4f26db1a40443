// lxd_profile: the app and db profiles of a stack (root disk on the stack's pool, eth0 on its bridge).
// A profile is owned whole: config and devices are set to exactly what the task says, in one `lxc profile edit`.
import { stringify } from 'yaml';
import { optionalString } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';
import { apiPath, configMap, deviceMap, lxc, lxcRun, lxdGet, lxdName, projectArg, sameDevices } from './lib/lxc.js';
import { lxdModuleResult } from './lib/lxd-result.js';

interface ProfileState {
  description?: string;
  config?: Record<string, string>;
  devices?: Record<string, Record<string, string>>;
}

export interface ProfilePlan {
  commands: Array<{ command: string; stdin?: string }>;
  changed: boolean;
}

/** Pure: what to run to make the profile exactly `wanted` (or absent). */
export function planProfile(name: string, project: string | undefined, state: 'present' | 'absent', wanted: Required<ProfileState>,
  current: ProfileState | undefined): ProfilePlan {
  if (state === 'absent') {
    return current ? { commands: [{ command: lxc(['profile', 'delete', name], project) }], changed: true } : { commands: [], changed: false };
  }
  const same = current !== undefined && (current.description ?? '') === wanted.description
    && JSON.stringify(sortKeys(current.config ?? {})) === JSON.stringify(sortKeys(wanted.config)) && sameDevices(current.devices, wanted.devices);
  if (same) return { commands: [], changed: false };
  const commands: ProfilePlan['commands'] = [];
  if (!current) commands.push({ command: lxc(['profile', 'create', name], project) });
  commands.push({ command: lxc(['profile', 'edit', name], project), stdin: stringify(wanted) });
  return { commands, changed: true };
}

function sortKeys(map: Record<string, string>): Array<[string, string]> {
  return Object.entries(map).sort(([a], [b]) => a.localeCompare(b));
}

export const lxdProfileModule: ModuleDefinition = {
  name: 'lxd_profile',
  argsSchema: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      project: { type: 'string' },
      state: { enum: ['present', 'absent'] },
      description: { type: 'string' },
      config: { type: 'object' },
      devices: { type: 'object' },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    lxdModuleResult(async () => {
      const name = lxdName('lxd_profile', 'name', args['name']);
      const project = projectArg('lxd_profile', args);
      const state = args['state'] === 'absent' ? 'absent' : 'present';
      const wanted = {
        description: optionalString('lxd_profile', args, 'description') ?? '',
        config: configMap('lxd_profile', args['config']),
        devices: deviceMap('lxd_profile', args['devices']),
      };
      const current = await lxdGet<ProfileState>(ctx, apiPath(`/1.0/profiles/${name}`, project));
      const plan = planProfile(name, project, state, wanted, current);
      if (!ctx.check) for (const step of plan.commands) await lxcRun(ctx, step.command, step.stdin);
      return { changed: plan.changed, data: { name, commands: plan.commands.map((step) => step.command) } };
    }),
};
