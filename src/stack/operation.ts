// The operation record: the intent an install, update or rollback writes on its host before its first change, and
// the lease that makes it the only one running there. It lives beside the stack record, is written atomically
// (operation-commands.ts), advanced phase by phase, and removed when the operation finishes. While it exists, the
// host is either busy (the lease is renewed) or was left half way (the holder died or lost the link): `airlock
// status` says which, and the next operation on the host puts the recorded live revision back first.
//
// The file comes back from the host, so it is hostile data: parsed strictly, never trusted for anything but the
// facts it states, and re-checked against LXD's real state before any recovery (stack/recovery.ts).

import { hostname } from 'node:os';

export const OPERATIONS = ['install', 'update', 'rollback'] as const;
export type OperationKind = (typeof OPERATIONS)[number];

/** The phases an operation goes through, in order; an update records each one as it completes. */
export const PHASES = ['started', 'stopped', 'snapshotted', 'launched', 'data carried', 'configured', 'healthy', 'switched'] as const;
export type Phase = (typeof PHASES)[number];

/** Who holds the lease: the run, the controller it runs on and its process there. */
export interface OperationHolder {
  run_id: string;
  controller: string;
  user: string;
  pid: number;
}

export interface StackOperation {
  format: 1;
  operation: OperationKind;
  project: string;
  /** the live revision when the operation began (null: none, a fresh install) */
  from: number | null;
  /** the revision the operation makes live */
  to: number;
  /** bundle version the operation installs (empty for a rollback) */
  bundle: string;
  holder: OperationHolder;
  started_at: string;
  phase: Phase;
  phases: Array<{ phase: Phase; at: string }>;
  /** seconds without a heartbeat after which the lease is free */
  lease_seconds: number;
}

export function operationPath(project: string): string {
  return `/var/lib/airlock/stacks/${project}.operation.json`;
}

const RUN_ID = /^[A-Za-z0-9._:-]{1,80}$/;
const NAME = /^[A-Za-z0-9._@-]{1,255}$/;

function fail(where: string, what: string): never {
  throw new Error(`${where}: the operation record ${what}`);
}

function revisionNumber(value: unknown, where: string, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(where, `has no valid '${field}'`);
  return value;
}

/** Parse the record a host sent back; any field out of shape is an error naming the file. */
export function parseOperation(text: string, where: string): StackOperation {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(where, `is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'is not a JSON object');
  const raw = value as Record<string, unknown>;
  if (raw['format'] !== 1) fail(where, `has an unknown format ${JSON.stringify(raw['format'])}`);
  const operation = raw['operation'];
  if (typeof operation !== 'string' || !(OPERATIONS as readonly string[]).includes(operation)) fail(where, "has no valid 'operation'");
  const phase = raw['phase'];
  if (typeof phase !== 'string' || !(PHASES as readonly string[]).includes(phase)) fail(where, "has no valid 'phase'");
  const holder = raw['holder'] as Record<string, unknown> | undefined;
  if (typeof holder !== 'object' || holder === null
    || typeof holder['run_id'] !== 'string' || !RUN_ID.test(holder['run_id'])
    || typeof holder['controller'] !== 'string' || !NAME.test(holder['controller'])
    || typeof holder['user'] !== 'string' || !NAME.test(holder['user'])
    || typeof holder['pid'] !== 'number' || !Number.isInteger(holder['pid'])) fail(where, "has no valid 'holder'");
  const phases = Array.isArray(raw['phases']) ? raw['phases'] : fail(where, "has no 'phases' list");
  const leaseSeconds = raw['lease_seconds'];
  if (typeof leaseSeconds !== 'number' || !(leaseSeconds > 0)) fail(where, "has no valid 'lease_seconds'");
  const startedAt = typeof raw['started_at'] === 'string' && !Number.isNaN(Date.parse(raw['started_at'])) ? raw['started_at'] : fail(where, "has no valid 'started_at'");
  return {
    format: 1,
    operation: operation as OperationKind,
    project: typeof raw['project'] === 'string' ? raw['project'] : fail(where, "has no 'project'"),
    from: raw['from'] === null ? null : revisionNumber(raw['from'], where, 'from'),
    to: revisionNumber(raw['to'], where, 'to'),
    bundle: typeof raw['bundle'] === 'string' ? raw['bundle'] : '',
    holder: { run_id: holder['run_id'] as string, controller: holder['controller'] as string, user: holder['user'] as string, pid: holder['pid'] as number },
    started_at: startedAt,
    phase: phase as Phase,
    phases: phases.flatMap((entry: unknown) => {
      const e = entry as Record<string, unknown> | null;
      return e && typeof e['phase'] === 'string' && (PHASES as readonly string[]).includes(e['phase']) && typeof e['at'] === 'string'
        ? [{ phase: e['phase'] as Phase, at: e['at'] }] : [];
    }),
    lease_seconds: leaseSeconds,
  };
}

/** This controller, as leaseHeld needs it: its host name, and whether a process of its own still lives. */
export function thisController(): { controller: string; alive(pid: number): boolean } {
  return {
    controller: hostname(),
    alive: (pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
  };
}

/** Is the lease still held? Judged on the host's clock (its mtime is the heartbeat) and, for a holder on this very
 *  controller, by whether its process still lives: a run that died here frees its hosts at once. */
export function leaseHeld(op: StackOperation, ageSeconds: number, local: { controller: string; alive(pid: number): boolean }): boolean {
  if (ageSeconds >= op.lease_seconds) return false;
  if (op.holder.controller === local.controller && !local.alive(op.holder.pid)) return false;
  return true;
}

function revision(n: number | null): string {
  return n === null ? 'nothing' : `r${n}`;
}

function ago(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** One line for an operator: `INTERRUPTED update r2 -> r3 at "data carried", run X from C (user), 6 min ago`. */
export function describeOperation(op: StackOperation, held: boolean, nowMs: number): string {
  const label = held ? 'IN PROGRESS' : 'INTERRUPTED';
  const since = (nowMs - Date.parse(op.started_at)) / 1000;
  return `${label} ${op.operation} ${revision(op.from)} -> ${revision(op.to)} at "${op.phase}", run ${op.holder.run_id} from ${op.holder.controller} (${op.holder.user}), started ${ago(since)}`;
}
