// lxd_snapshot: the rollback points of a stack. Snapshots of a RUNNING container fail on this kind of host ("freezing
// the container failed") and are not consistent for a database on a `dir` pool anyway: callers stop first, and the
// module reads the state again right before it takes one, so that a container that came back up (or is still
// stopping) is never snapshotted by accident.
import { abortableSleep, ModuleArgError, optionalBool, optionalString } from './lib/common.js';
import type { ModuleContext, ModuleDefinition } from './lib/types.js';
import { apiPath, lxc, lxcRun, lxdGet, lxdName, projectArg } from './lib/lxc.js';
import { lxdModuleResult } from './lib/lxd-result.js';

export type SnapshotState = 'present' | 'absent' | 'restored' | 'list';

interface SnapshotInfo {
  name: string;
  created_at?: string;
}

/** Pure: commands for one snapshot, given the names that exist. */
export function planSnapshot(container: string, snapshot: string, state: Exclude<SnapshotState, 'list'>, existing: string[],
  project: string | undefined, replace = false): string[] {
  const exists = existing.includes(snapshot);
  switch (state) {
    case 'present':
      if (!exists) return [lxc(['snapshot', container, snapshot], project)];
      return replace ? [lxc(['delete', `${container}/${snapshot}`], project), lxc(['snapshot', container, snapshot], project)] : [];
    case 'absent':
      return exists ? [lxc(['delete', `${container}/${snapshot}`], project)] : [];
    case 'restored':
      if (!exists) throw new ModuleArgError('lxd_snapshot', `'${container}' has no snapshot '${snapshot}' (it has: ${existing.join(', ') || 'none'})`);
      return [lxc(['restore', container, snapshot], project)];
  }
}

/** How long a container that is between states (Stopping, Freezing, ...) is given to settle before a snapshot. */
const SETTLE_MS = 30_000;

/** The instance's state when it is not between two states; waits for it to settle first. */
async function settledStatus(ctx: ModuleContext, container: string, project: string | undefined): Promise<string> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const state = await lxdGet<{ status: string }>(ctx, apiPath(`/1.0/instances/${container}/state`, project));
    const status = state?.status ?? 'gone';
    if (['Running', 'Stopped', 'Frozen', 'gone'].includes(status) || Date.now() > deadline) return status;
    await abortableSleep(1000, ctx.signal);
  }
}

export const lxdSnapshotModule: ModuleDefinition = {
  name: 'lxd_snapshot',
  argsSchema: {
    type: 'object',
    required: ['container'],
    properties: {
      container: { type: 'string' },
      project: { type: 'string' },
      name: { type: 'string' },
      state: { enum: ['present', 'absent', 'restored', 'list'] },
      allow_running: { type: ['boolean', 'string'] },
      // A rollback point must hold the data of now: a snapshot of that name left by an update that did not finish
      // (or by one undone by a rollback) is older, and restoring it would lose every row written since.
      replace: { type: ['boolean', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    lxdModuleResult(async () => {
      const module = 'lxd_snapshot';
      const container = lxdName(module, 'container', args['container']);
      const project = projectArg(module, args);
      const state = (optionalString(module, args, 'state') ?? 'present') as SnapshotState;
      const snapshots = await lxdGet<SnapshotInfo[]>(ctx, apiPath(`/1.0/instances/${container}/snapshots?recursion=1`, project));
      if (snapshots === undefined) throw new ModuleArgError(module, `container '${container}' does not exist`);
      const names = snapshots.map((s) => s.name);
      if (state === 'list') return { changed: false, data: { snapshots: snapshots.map((s) => ({ name: s.name, created_at: s.created_at })) } };
      const name = lxdName(module, 'name', args['name']);
      const commands = planSnapshot(container, name, state, names, project, optionalBool(module, args, 'replace', false));
      if (commands.length > 0 && state === 'present' && !optionalBool(module, args, 'allow_running', false)) {
        const status = await settledStatus(ctx, container, project);
        if (status !== 'Stopped') {
          throw new ModuleArgError(module, `'${container}' is ${status}, not Stopped: stop it before the snapshot (or set allow_running: true)`);
        }
      }
      if (!ctx.check) for (const command of commands) await lxcRun(ctx, command);
      return { changed: commands.length > 0, data: { commands, snapshots: names } };
    }),
};
