// The stack record each host keeps (written by roles/misp_common/tasks/write_state.yml): which revision is live,
// which containers and bundle versions make each revision, which snapshot restores it. The roles own the format;
// this file only reads it, for `airlock status` and `airlock rollback`.

/** Same default as misp_state_file in roles/misp_common/defaults/main.yml. */
export function stackRecordPath(project: string): string {
  return `/var/lib/airlock/stacks/${project}.json`;
}

export interface StackRevision {
  id: number;
  status: 'live' | 'retired' | 'rolled_back' | string;
  bundle: { name: string; version: string };
  /** role (misp, db, kv, modules) -> container name */
  containers: Record<string, string>;
  roles: string[];
  /** component -> upstream version */
  versions: Record<string, string>;
  /** snapshot that restores this revision ('' while it is live and was never replaced) */
  snapshot: string;
}

export interface StackRecord {
  project: string;
  live: number;
  misp_ip: string;
  revisions: StackRevision[];
}

export function parseStackRecord(text: string, where: string): StackRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: the stack record is not JSON (${(error as Error).message})`);
  }
  const record = value as Partial<StackRecord>;
  if (typeof record !== 'object' || record === null || typeof record.live !== 'number' || !Array.isArray(record.revisions)) {
    throw new Error(`${where}: the stack record lacks 'live' or 'revisions'`);
  }
  return record as StackRecord;
}

export function liveRevision(record: StackRecord): StackRevision | undefined {
  return record.revisions.find((revision) => revision.id === record.live);
}
