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
  if (result.rc === 0 && result.stdout.trim() === SKIP_MARKER && (guard.creates !== undefined || guard.removes !== undefined)) {
    return { changed: false, skipped: true, msg: guardMessage(guard), rc: 0, data: { cmd } };
  }
  const outcome: ModuleResult = {
    changed: true,
    rc: result.rc,
    stdout: stripTrailingNewlines(result.stdout),
    stderr: stripTrailingNewlines(result.stderr),
    data: { cmd, start: ansibleTime(start), end: ansibleTime(end), delta: ansibleDelta(result.durationMs) },
  };
  if (result.rc !== 0) {
    outcome.failed = true;
    outcome.msg = result.signal ? `killed by signal ${result.signal}` : 'non-zero return code';
  }
  return outcome;
}
