// Async jobs (`async:` tasks, async_status) on the host, with nothing installed there: a command runs detached
// (setsid, under `timeout`), its output and exit status go to files in ~/.ansible_async (0700, like Ansible's
// directory, so only the job's user can read them), and a status command reads them back. The files of job JID:
//   JID        Ansible's marker while it runs: {"started": 1, "finished": 0, "ansible_job_id": JID}
//   JID.meta   what the result's `cmd` is, and the skip message of a creates/removes guard (JSON, from the controller)
//   JID.start / JID.end / JID.out / JID.err, and JID.rc last (written by rename: its presence means finished)
// Everything read back is host data: parsed as JSON or text, never rendered as a template.
import { randomInt } from 'node:crypto';
import { quote, sh } from '../../util/shell.js';
import { ModuleArgError } from './common.js';
import { commandResult, deltaBetween, isGuardSkip } from './run-command.js';
import type { ModuleResult } from './types.js';

export const ASYNC_DIR = '$HOME/.ansible_async';

/** Ansible's job id shape: j<random>.<number> (it uses its wrapper's pid; a second random number here). */
export function newJobId(): string {
  return `j${randomInt(0, 999_999_999_999)}.${randomInt(1, 99_999)}`;
}

/** A job id from a task's arguments: only Ansible's shape, so that it can never name another path. */
export function checkedJobId(module: string, jid: unknown): string {
  const text = typeof jid === 'number' ? String(jid) : jid;
  if (typeof text !== 'string' || !/^j?\d+\.\d+$/.test(text)) throw new ModuleArgError(module, `'jid' must be a job id such as j123456789.4321, got ${JSON.stringify(jid)}`);
  return text;
}

const TIME = "date -u '+%Y-%m-%d %H:%M:%S.%6N'";

/** Starts `line` detached, for at most `seconds`; prints the results file's path. */
export function asyncStartCommand(jid: string, line: string, seconds: number, meta: { cmd: unknown; skipMessage: string | undefined }): string {
  const marker = JSON.stringify({ started: 1, finished: 0, ansible_job_id: jid });
  // the job's own script: its values are quoted here, then the whole script is one quoted word for `sh -c`
  const job = [
    `d="${ASYNC_DIR}"`,
    sh`j=${jid}`,
    `${TIME} > "$d/$j.start"`,
    sh`timeout ${String(seconds)} sh -c ${line} > "$d/$j.out" 2> "$d/$j.err" < /dev/null`,
    'rc=$?',
    `${TIME} > "$d/$j.end"`,
    'echo "$rc" > "$d/$j.rc.tmp" && mv "$d/$j.rc.tmp" "$d/$j.rc"',
  ].join('; ');
  return [
    `umask 077 && d="${ASYNC_DIR}" && mkdir -p "$d" && chmod 700 "$d"`,
    sh`printf '%s\\n' ${JSON.stringify(meta)} > "$d/"${jid}.meta`,
    sh`printf '%s\\n' ${marker} > "$d/"${jid}`,
    `(setsid sh -c ${quote(job)} > /dev/null 2>&1 < /dev/null &)`,
    sh`printf '%s\\n' "$d/"${jid}`,
  ].join(' && ');
}

/** Prints `missing`, `running` or `done` + rc, start, end, meta, out, err (the last three base64); then the results file's path. */
export function asyncStatusCommand(jid: string): string {
  return [
    `d="${ASYNC_DIR}"`,
    sh`j=${jid}`,
    'if [ ! -e "$d/$j" ]; then echo missing',
    'elif [ -e "$d/$j.rc" ]; then echo done; cat "$d/$j.rc" "$d/$j.start" "$d/$j.end"; for f in meta out err; do base64 -w 0 "$d/$j.$f"; echo; done',
    'else echo running; fi',
    'echo "$d/$j"',
  ].join('; ');
}

/** Removes the job's files; prints the results file's path. */
export function asyncCleanupCommand(jid: string): string {
  return `d="${ASYNC_DIR}"; ${sh`j=${jid}`}; rm -f -- "$d/$j" "$d/$j".*; echo "$d/$j"`;
}

export type JobStatus =
  | { state: 'missing'; resultsFile: string }
  | { state: 'running'; resultsFile: string }
  | { state: 'done'; resultsFile: string; result: ModuleResult };

function decode(text: string | undefined): string {
  return Buffer.from(text ?? '', 'base64').toString('utf8');
}

/** The job's command and guard message as the controller wrote them; anything else (a tampered file) counts as none. */
function readMeta(text: string): { cmd: unknown; skipMessage: string | undefined } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      const meta = parsed as Record<string, unknown>;
      return { cmd: meta['cmd'], skipMessage: typeof meta['skipMessage'] === 'string' ? meta['skipMessage'] : undefined };
    }
  } catch {
    // fall through
  }
  return { cmd: undefined, skipMessage: undefined };
}

/** Reads asyncStatusCommand's output into the job's module result, shaped as command's. */
export function parseJobStatus(stdout: string, timeoutSeconds?: number): JobStatus {
  const lines = stdout.replace(/\n$/, '').split('\n');
  const resultsFile = lines[lines.length - 1] ?? '';
  if (lines[0] === 'done') {
    const rc = Number(lines[1]);
    const [start = '', end = ''] = [lines[2], lines[3]];
    const meta = readMeta(decode(lines[4]));
    const run = { rc: Number.isInteger(rc) ? rc : 1, stdout: decode(lines[5]), stderr: decode(lines[6]) };
    if (meta.skipMessage !== undefined && isGuardSkip(run)) {
      return { state: 'done', resultsFile, result: { changed: false, skipped: true, msg: meta.skipMessage, rc: 0, data: { cmd: meta.cmd } } };
    }
    const result = commandResult(run, meta.cmd, { start, end, delta: deltaBetween(start, end) });
    // `timeout` exits 124 when it stopped the job: Ansible's async_wrapper words for it
    if (run.rc === 124) result.msg = `Job reached maximum time limit${timeoutSeconds === undefined ? '' : ` of ${timeoutSeconds} seconds`}.`;
    return { state: 'done', resultsFile, result };
  }
  return { state: lines[0] === 'running' ? 'running' : 'missing', resultsFile };
}
