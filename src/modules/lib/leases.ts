// The leases this run holds on its hosts (one operation record each), renewed by a heartbeat over the host's pooled
// connection for as long as the run lives. A run that dies stops renewing, so its leases expire on their own; a run
// that ends normally stops the heartbeats (stopHeartbeats) and can say which hosts it left with an unfinished
// operation (unfinishedOperations), so that the summary names the command that restores each one.
import { heartbeatCommand } from '../../stack/operation-commands.js';
import type { StackOperation } from '../../stack/operation.js';
import type { Connection } from '../../connection/types.js';

export interface HeldLease {
  host: string;
  path: string;
  /** the record as this run last wrote it, and its hash: every next write must find exactly this on the host */
  operation: StackOperation;
  hash: string;
  timer: NodeJS.Timeout;
}

const held = new Map<string, HeldLease>();

/** One lease per host, record and run (one process runs one run; tests run several). */
function key(host: string, path: string, runId: string): string {
  return `${host}\u0000${path}\u0000${runId}`;
}

/** The heartbeat period: well inside the lease, so that one lost beat (a slow link) never frees it. */
export function heartbeatMs(leaseSeconds: number): number {
  return Math.max(1000, Math.min(30_000, (leaseSeconds * 1000) / 4));
}

export function holdLease(host: string, path: string, operation: StackOperation, hash: string, connect: () => Promise<Connection>): void {
  releaseLease(host, path, operation.holder.run_id);
  const command = heartbeatCommand(path, operation.holder.run_id);
  const timer = setInterval(() => {
    // A beat that fails (link down) is simply missed; the next one tries again over a fresh connection.
    connect().then((conn) => conn.exec(command, { timeoutMs: 20_000 })).catch(() => undefined);
  }, heartbeatMs(operation.lease_seconds));
  timer.unref();
  held.set(key(host, path, operation.holder.run_id), { host, path, operation, hash, timer });
}

export function heldLease(host: string, path: string, runId: string): HeldLease | undefined {
  return held.get(key(host, path, runId));
}

export function updateHeldLease(host: string, path: string, operation: StackOperation, hash: string): void {
  const k = key(host, path, operation.holder.run_id);
  const lease = held.get(k);
  if (lease) held.set(k, { ...lease, operation, hash });
}

export function releaseLease(host: string, path: string, runId: string): void {
  const lease = held.get(key(host, path, runId));
  if (lease) clearInterval(lease.timer);
  held.delete(key(host, path, runId));
}

/** Operations this run began and did not finish, by host (the hosts it leaves in need of recovery). */
export function unfinishedOperations(): Array<{ host: string; operation: StackOperation }> {
  return [...held.values()].map(({ host, operation }) => ({ host, operation }));
}

/** Stop every heartbeat (the run is over; its unfinished leases will expire, or be taken over by a run here). */
export function stopHeartbeats(): void {
  for (const lease of held.values()) clearInterval(lease.timer);
}
