// stack_recover: converges a host that an operation left half way back to its stack record (stack/recovery.ts):
// the half-built revision's containers deleted, recorded revisions other than the live one stopped. The role then
// starts the live revision and checks its health. Run after stack_operation `begin` returned `interrupted`, and by a
// failed update's rescue. What the operation brought goes too: its bundle's images that nothing uses, and the live
// revision's rollback point it took.
import { failOnArgError, ModuleArgError, optionalNumber, optionalString } from './lib/common.js';
import type { ModuleContext, ModuleDefinition } from './lib/types.js';
import { apiPath, lxc, lxcRun, lxdGet, lxdName } from './lib/lxc.js';
import { lxdModuleResult } from './lib/lxd-result.js';
import { parseStackRecord, type StackRecord } from '../stack/record.js';
import { liveContainers, planRecovery, type ImageState, type InstanceState, type RecoveryPlan } from '../stack/recovery.js';

const MODULE = 'stack_recover';

/** Pure: the exact commands of a recovery plan (stops first, so that nothing half built runs beside the live one;
 * images last, once no container made from them is left). Images live in the default project (features.images off). */
export function recoveryCommands(plan: RecoveryPlan, project: string, stopTimeout: number): string[] {
  return [
    ...plan.stop.map((name) => lxc(['stop', name, '--timeout', stopTimeout], project)),
    ...plan.remove.map((name) => lxc(['delete', name, '--force'], project)),
    ...plan.snapshots.map((snapshot) => lxc(['delete', snapshot], project)),
    ...plan.images.map((fingerprint) => lxc(['image', 'delete', fingerprint])),
  ];
}

interface InstanceObject {
  name: string;
  status: string;
  project?: string;
  config?: Record<string, string>;
}

/** Every instance on the host (any project: an image in use by another stack is not ours to delete), with the
 * snapshots of the live revision's containers, the only ones recovery may delete a snapshot of. */
async function instancesOnHost(ctx: ModuleContext, project: string, live: Set<string>): Promise<{ mine: InstanceState[]; others: InstanceState[] }> {
  const all = await lxdGet<InstanceObject[]>(ctx, '/1.0/instances?recursion=1&all-projects=true') ?? [];
  const state = (i: InstanceObject): InstanceState => ({ name: String(i.name), status: String(i.status), baseImage: i.config?.['volatile.base_image'] });
  const mine: InstanceState[] = [];
  for (const instance of all.filter((i) => (i.project ?? 'default') === project)) {
    if (!live.has(String(instance.name))) {
      mine.push(state(instance));
      continue;
    }
    const snapshots = await lxdGet<Array<{ name: string }>>(ctx, apiPath(`/1.0/instances/${instance.name}/snapshots?recursion=1`, project)) ?? [];
    mine.push({ ...state(instance), snapshots: snapshots.map((s) => String(s.name)) });
  }
  return { mine, others: all.filter((i) => (i.project ?? 'default') !== project).map(state) };
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
      // bundle version of the operation being undone ('' for none): its images go when nothing else uses them
      abandoned_bundle: { type: ['string', 'null'] },
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
      const { mine, others } = await instancesOnHost(ctx, project, liveContainers(record));
      // an image another project's instance was made from is not a candidate: it is that stack's
      const usedElsewhere = new Set(others.flatMap((i) => (i.baseImage ? [i.baseImage] : [])));
      const images = (await lxdGet<Array<{ fingerprint: string; aliases?: Array<{ name: string }> }>>(ctx, '/1.0/images?recursion=1') ?? [])
        .filter((image) => !usedElsewhere.has(String(image.fingerprint)))
        .map((image): ImageState => ({ fingerprint: String(image.fingerprint), aliases: (image.aliases ?? []).map((a) => String(a.name)) }));
      const abandoned = { bundleVersion: optionalString(MODULE, args, 'abandoned_bundle') ?? '' };
      const plan = planRecovery(record, mine, images, abandoned);
      const commands = recoveryCommands(plan, project, optionalNumber(MODULE, args, 'stop_timeout', 120));
      if (!ctx.check) for (const command of commands) await lxcRun(ctx, command);
      return {
        changed: commands.length > 0,
        data: { removed: plan.remove, stopped: plan.stop, snapshots_removed: plan.snapshots, images_removed: plan.images, commands },
      };
    })),
};
