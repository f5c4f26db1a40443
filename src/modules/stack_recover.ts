// stack_recover: converges a host that an operation left half way back to its stack record (stack/recovery.ts):
// the half-built revision's containers deleted, recorded revisions other than the live one stopped. The role then
// starts the live revision and checks its health. Run after stack_operation `begin` returned `interrupted`.
import { failOnArgError, ModuleArgError, optionalNumber } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';
import { apiPath, lxc, lxcRun, lxdGet, lxdName } from './lib/lxc.js';
import { lxdModuleResult } from './lib/lxd-result.js';
import { parseStackRecord, type StackRecord } from '../stack/record.js';
import { planRecovery, type InstanceState, type RecoveryPlan } from '../stack/recovery.js';

const MODULE = 'stack_recover';

/** Pure: the exact commands of a recovery plan (stops first, so that nothing half built runs beside the live one). */
export function recoveryCommands(plan: RecoveryPlan, project: string, stopTimeout: number): string[] {
  return [
    ...plan.stop.map((name) => lxc(['stop', name, '--timeout', stopTimeout], project)),
    ...plan.remove.map((name) => lxc(['delete', name, '--force'], project)),
  ];
}

function recordArg(value: unknown): StackRecord | undefined {
  if (value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0)) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new ModuleArgError(MODULE, "'record' must be the stack record (a mapping) or {}");
  return parseStackRecord(JSON.stringify(value), `${MODULE} record`);
}

export const stackRecoverModule: ModuleDefinition = {
  name: MODULE,
  argsSchema: {
    type: 'object',
    required: ['project'],
    properties: {
      project: { type: 'string' },
      record: { type: ['object', 'null'] },
      stop_timeout: { type: ['number', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(() => lxdModuleResult(async () => {
      const project = lxdName(MODULE, 'project', args['project']);
      let record: StackRecord | undefined;
      try {
        record = recordArg(args['record']);
      } catch (error) {
        throw new ModuleArgError(MODULE, (error as Error).message);
      }
      const instances = await lxdGet<InstanceState[]>(ctx, apiPath('/1.0/instances?recursion=1', project)) ?? [];
      const plan = planRecovery(record, instances.map((i) => ({ name: String(i.name), status: String(i.status) })));
      const commands = recoveryCommands(plan, project, optionalNumber(MODULE, args, 'stop_timeout', 120));
      if (!ctx.check) for (const command of commands) await lxcRun(ctx, command);
      return { changed: commands.length > 0, data: { removed: plan.remove, stopped: plan.stop, commands } };
    })),
};
