// What recovery puts right on a host that an operation left half way, decided from LXD's real state and the stack
// record only (never from the operation record, which says what was meant, not what happened): containers named
// like a stack revision that no recorded revision owns are the half-built revision, and go; recorded revisions
// other than the live one are stopped. The live revision is then started by the role (and health-checked).
// The live revision's containers are never restored to a snapshot here: an update does not write to them, so their
// current data is a superset of any snapshot, including rows written while the update ran. What the operation left
// of itself goes too: the live revision's rollback point that it took (an update takes it again, fresh, each time)
// and the images of its bundle that nothing recorded or running uses.
import type { StackRecord } from './record.js';

/** Names a stack revision's containers have (roles/misp_common/tasks/names.yml). */
export const STACK_CONTAINER = /^(misp|modules|valkey|mysql)-r[0-9]+$/;

export interface InstanceState {
  name: string;
  status: string;
  /** fingerprint of the image the instance was made from (LXD's volatile.base_image) */
  baseImage?: string;
  /** names of the instance's snapshots */
  snapshots?: string[];
}

export interface ImageState {
  fingerprint: string;
  aliases: string[];
}

/** What the half-done operation brought: the version of its bundle ('' for a rollback, which brings none). */
export interface AbandonedOperation {
  bundleVersion: string;
}

/** Image aliases are "<bundle>-<version>-<component>" (roles/misp_common/tasks/import_bundle.yml). */
const IMAGE_COMPONENT = /-(misp|mysql|valkey|redis|modules)$/;

/** The live revision's rollback point, as the update names it (roles/misp_update/tasks/main.yml). */
export function rollbackPointOf(revision: number): string {
  return `airlock-r${revision}`;
}

function recorded(record: StackRecord | undefined): Set<string> {
  return new Set((record?.revisions ?? []).flatMap((revision) => Object.values(revision.containers ?? {})));
}

/** The live revision's container names. */
export function liveContainers(record: StackRecord | undefined): Set<string> {
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
  /** "container/snapshot": the live revision's rollback point, taken by the operation that did not finish (unless
   * the record refers to it) */
  snapshots: string[];
  /** fingerprints of the abandoned bundle's images that no recorded revision and no remaining instance uses */
  images: string[];
}

function abandonedImages(record: StackRecord | undefined, instances: readonly InstanceState[], removed: Set<string>,
  images: readonly ImageState[], abandoned: AbandonedOperation | undefined): string[] {
  const version = abandoned?.bundleVersion ?? '';
  if (version === '' || (record?.revisions ?? []).some((revision) => revision.bundle?.version === version)) return [];
  const inUse = new Set(instances.filter((i) => !removed.has(i.name)).flatMap((i) => (i.baseImage ? [i.baseImage] : [])));
  const ofVersion = (alias: string) => IMAGE_COMPONENT.test(alias) && alias.replace(IMAGE_COMPONENT, '').endsWith(`-${version}`);
  return images.filter((image) => !inUse.has(image.fingerprint) && image.aliases.length > 0 && image.aliases.every(ofVersion))
    .map((image) => image.fingerprint).sort();
}

export function planRecovery(record: StackRecord | undefined, instances: readonly InstanceState[],
  images: readonly ImageState[] = [], abandoned?: AbandonedOperation): RecoveryPlan {
  const known = recorded(record);
  const live = liveContainers(record);
  const remove = strayContainers(record, instances);
  // a snapshot the record refers to (the live revision was retired once, then rolled back to) is kept: `--to` uses it
  const liveEntry = record?.revisions.find((revision) => revision.id === record.live);
  const point = record === undefined || liveEntry?.snapshot === rollbackPointOf(record.live) ? '' : rollbackPointOf(record.live);
  return {
    remove,
    stop: instances.filter((i) => known.has(i.name) && !live.has(i.name) && i.status !== 'Stopped').map((i) => i.name).sort(),
    snapshots: instances.filter((i) => live.has(i.name) && (i.snapshots ?? []).includes(point)).map((i) => `${i.name}/${point}`).sort(),
    images: abandonedImages(record, instances, new Set(remove), images, abandoned),
  };
}
