// What recovery puts right on a host that an operation left half way, decided from LXD's real state and the stack
// record only (never from the operation record, which says what was meant, not what happened): containers named
// like a stack revision that no recorded revision owns are the half-built revision, and go; recorded revisions
// other than the live one are stopped. The live revision is then started by the role (and health-checked).
// The live revision's containers are never restored to a snapshot here: an update does not write to them, so their
// current data is a superset of any snapshot, including rows written while the update ran.
import type { StackRecord } from './record.js';

/** Names a stack revision's containers have (roles/misp_common/tasks/names.yml). */
export const STACK_CONTAINER = /^(misp|modules|valkey|mysql)-r[0-9]+$/;

export interface InstanceState {
  name: string;
  status: string;
}

function recorded(record: StackRecord | undefined): Set<string> {
  return new Set((record?.revisions ?? []).flatMap((revision) => Object.values(revision.containers ?? {})));
}

function liveContainers(record: StackRecord | undefined): Set<string> {
  const live = record?.revisions.find((revision) => revision.id === record.live);
  return new Set(Object.values(live?.containers ?? {}));
}

/** Containers of the project that look like a stack revision's but belong to none that is recorded. */
export function strayContainers(record: StackRecord | undefined, instances: readonly InstanceState[]): string[] {
  const known = recorded(record);
  return instances.map((i) => i.name).filter((name) => STACK_CONTAINER.test(name) && !known.has(name)).sort();
}

export interface RecoveryPlan {
  /** half-built containers to delete */
  remove: string[];
  /** recorded, not live, running: to stop */
  stop: string[];
}

export function planRecovery(record: StackRecord | undefined, instances: readonly InstanceState[]): RecoveryPlan {
  const known = recorded(record);
  const live = liveContainers(record);
  return {
    remove: strayContainers(record, instances),
    stop: instances.filter((i) => known.has(i.name) && !live.has(i.name) && i.status !== 'Stopped').map((i) => i.name).sort(),
  };
}
