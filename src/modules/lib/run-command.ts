// Running a command-like task (command, shell, script) and shaping Ansible's return values:
// rc, stdout, stderr (trailing newlines stripped), cmd, start/end/delta; failed on non-zero rc.
import { exec, stripTrailingNewlines } from './common.js';
import { guardOnlyCommand, SKIP_MARKER, type Guard } from './command-line.js';
import type { ModuleContext, ModuleResult } from './types.js';

function ansibleTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function ansibleDelta(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = ((ms % 60_000) / 1000).toFixed(6).padStart(9, '0');
  return `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`;
}

function guardMessage(guard: Guard): string {
  return guard.creates !== undefined ? `skipped, since ${guard.creates} exists` : `skipped, since ${guard.removes ?? ''} does not exist`;
}

/** What a skip by creates/removes says, or undefined without a guard. */
export function guardSkipMessage(guard: Guard): string | undefined {
  return guard.creates !== undefined || guard.removes !== undefined ? guardMessage(guard) : undefined;
}

/** Check mode: never run the command; evaluate creates/removes so that the report says whether it WOULD run. */
export async function checkModeCommand(ctx: ModuleContext, guard: Guard, cmd: unknown): Promise<ModuleResult> {
  if (guard.creates !== undefined || guard.removes !== undefined) {
    const result = await exec(ctx, guardOnlyCommand(guard));
    if (result.stdout.trim() === SKIP_MARKER) return { changed: false, skipped: true, msg: guardMessage(guard), data: { cmd } };
  }
  return { changed: false, skipped: true, msg: 'command would have run if not in check mode', data: { cmd } };
}

export async function runCommandLine(ctx: ModuleContext, line: string, guard: Guard, cmd: unknown, stdin?: string): Promise<ModuleResult> {
  const start = new Date();
  const result = await exec(ctx, line, stdin === undefined ? {} : { stdin });
  const end = new Date();
  const guarded = guard.creates !== undefined || guard.removes !== undefined;
  if (guarded && isGuardSkip(result)) return { changed: false, skipped: true, msg: guardMessage(guard), rc: 0, data: { cmd } };
  return commandResult(result, cmd, { start: ansibleTime(start), end: ansibleTime(end), delta: ansibleDelta(result.durationMs) });
}

/** The guard (creates/removes) decided not to run the command. */
export function isGuardSkip(result: { rc: number; stdout: string }): boolean {
  return result.rc === 0 && result.stdout.trim() === SKIP_MARKER;
}

/** A finished command's return values, as Ansible's command module gives them (also for an async job's result). */
export function commandResult(result: { rc: number; stdout: string; stderr: string; signal?: string | undefined }, cmd: unknown, times: { start: string; end: string; delta: string }): ModuleResult {
  const outcome: ModuleResult = {
    changed: true,
    rc: result.rc,
    stdout: stripTrailingNewlines(result.stdout),
    stderr: stripTrailingNewlines(result.stderr),
    data: { cmd, ...times },
  };
  if (result.rc !== 0) {
    outcome.failed = true;
    outcome.msg = result.signal ? `killed by signal ${result.signal}` : 'non-zero return code';
  }
  return outcome;
}

/** Ansible's `delta` between two of its `start`/`end` times ("2026-12-02 14:27:43.961531"). */
export function deltaBetween(start: string, end: string): string {
  const ms = Date.parse(`${end.replace(' ', 'T')}Z`) - Date.parse(`${start.replace(' ', 'T')}Z`);
  return ansibleDelta(Number.isFinite(ms) && ms > 0 ? ms : 0);
}
