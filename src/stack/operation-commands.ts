// The exact host commands that read, write, renew and remove an operation record (stack/operation.ts). Each is one
// `exec`, so that no instant between two commands can leave the record half written:
// - writes go to a temp file in the same directory, are fsynced, renamed over the record and the directory fsynced;
// - a write or removal happens only if the record is still the one the writer read (compare by SHA-256, under
//   flock), so two runs that read "free" at the same moment cannot both take the lease;
// - the heartbeat is the record's mtime, renewed with `touch` only while the record still names the holder's run.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { sh } from '../util/shell.js';

/** The expected-state marker for "there is no record". */
export const ABSENT = 'absent';

/** Exit status of a write or removal refused because the record changed since it was read. */
export const RECORD_CHANGED = 75;

export function contentHash(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Prints the host's clock, then `absent` or the record's mtime (seconds) and the record itself. */
export function readOperationCommand(path: string): string {
  return sh`date +%s; if [ -e ${path} ]; then stat -c %Y ${path} && cat ${path}; else echo ${ABSENT}; fi`;
}

export interface OperationFile {
  /** host clock, epoch seconds */
  nowS: number;
  /** undefined: no record */
  record?: { text: string; mtimeS: number; hash: string };
}

export function parseOperationRead(stdout: string, where: string): OperationFile {
  const [nowLine = '', second = '', ...rest] = stdout.split('\n');
  const nowS = Number(nowLine);
  if (!Number.isInteger(nowS)) throw new Error(`${where}: could not read the host's clock (got ${JSON.stringify(nowLine.slice(0, 40))})`);
  if (second === ABSENT) return { nowS };
  const mtimeS = Number(second);
  if (!Number.isInteger(mtimeS)) throw new Error(`${where}: could not read the operation record's age`);
  const text = rest.join('\n');
  return { nowS, record: { text, mtimeS, hash: contentHash(text) } };
}

/** The lock that serialises writers of one record (held only for the length of one command). */
function lockOf(path: string): string {
  return posix.join(posix.dirname(path), `.${posix.basename(path)}.lock`);
}

function underLock(path: string, expectedHash: string, body: string): string {
  const dir = posix.dirname(path);
  return sh`set -e; umask 077; mkdir -p ${dir}; exec 9>${lockOf(path)}; flock -w 30 9; cur=${ABSENT}; `
    + sh`if [ -e ${path} ]; then cur=$(sha256sum ${path} | cut -c1-64); fi; `
    + sh`if [ "$cur" != ${expectedHash} ]; then echo "the operation record changed since it was read" >&2; exit ${RECORD_CHANGED}; fi; `
    + body;
}

/** Replace the record with stdin, only if it is still `expectedHash` (or ABSENT). */
export function writeOperationCommand(path: string, expectedHash: string): string {
  const temp = `${path}.tmp`;
  const dir = posix.dirname(path);
  return underLock(path, expectedHash, sh`cat > ${temp}; sync ${temp}; mv -f ${temp} ${path}; sync ${dir}`);
}

/** Remove the record, only if it is still `expectedHash`. */
export function removeOperationCommand(path: string, expectedHash: string): string {
  const dir = posix.dirname(path);
  return underLock(path, expectedHash, sh`rm -f ${path}; sync ${dir}`);
}

/** Renew the lease: touch the record while it still names this run (a lease taken over is never renewed). */
export function heartbeatCommand(path: string, runId: string): string {
  return sh`grep -qF ${`"run_id":${JSON.stringify(runId)}`} ${path} && touch -c ${path}`;
}
