// `async:` / `poll:` on a task, as Ansible runs them: the module's one host command starts detached (its job files
// in ~/.ansible_async, see src/modules/lib/async-job.ts); poll 0 returns at once with the job's id (fire and forget,
// async_status looks later); poll N checks every N seconds, at most async/poll times (Ansible's count), printing
// ASYNC POLL / ASYNC OK / ASYNC FAILED lines as Ansible does, then removes the job's files. Only modules that
// describe their work as one command (command, shell) can run this way; any other fails naming the task.
import { jobStatusResult } from '../modules/async_status.js';
import { asyncCleanupCommand, asyncStartCommand, asyncStatusCommand, newJobId } from '../modules/lib/async-job.js';
import { exec, ModuleArgError } from '../modules/lib/common.js';
import type { BackgroundCommand, ModuleContext, ModuleDefinition, ModuleResult } from '../modules/lib/types.js';
import type { PlayRuntime } from './runtime.js';

export interface AsyncSettings {
  seconds: number;
  poll: number;
}

/** Ansible's poll interval when a task sets `async` but not `poll` (DEFAULT_POLL_INTERVAL). */
export const DEFAULT_POLL_S = 15;

function say(rt: PlayRuntime, text: string): void {
  rt.deps.emit({ type: 'message', level: 'info', text, at: new Date().toISOString() });
}

export async function runAsync(
  rt: PlayRuntime, module: ModuleDefinition, args: Record<string, unknown>, ctx: ModuleContext, settings: AsyncSettings, label: string,
  wait: (ms: number) => Promise<void>,
): Promise<ModuleResult> {
  if (!Number.isInteger(settings.seconds) || settings.seconds <= 0) return { changed: false, failed: true, msg: `task '${label}': async must be a whole number of seconds above 0, got ${settings.seconds}` };
  if (module.background === undefined) {
    return { changed: false, failed: true, msg: `task '${label}': async is supported for command and shell tasks only; ${module.name} cannot run detached on the host` };
  }
  // check mode never starts a job: the module reports what it would do, as it does without async
  if (ctx.check) return module.run(args, ctx);
  let command: BackgroundCommand;
  try {
    command = module.background(args);
  } catch (error) {
    if (error instanceof ModuleArgError) return { changed: false, failed: true, msg: error.message };
    throw error;
  }
  const jid = newJobId();
  const started = await exec(ctx, asyncStartCommand(jid, command.line, settings.seconds, { cmd: command.cmd, skipMessage: command.skipMessage }));
  if (started.rc !== 0) return { changed: false, failed: true, rc: started.rc, msg: `async: could not start the job on ${ctx.host}: ${started.stderr.trim()}` };
  const ids = { ansible_job_id: jid, results_file: started.stdout.trim(), started: 1 };
  if (settings.poll <= 0) return { changed: true, data: { ...ids, finished: 0 } };

  let timeLeft = settings.seconds;
  while (timeLeft > 0 && !ctx.signal.aborted) {
    await wait(settings.poll * 1000);
    timeLeft -= settings.poll;
    const status = await exec(ctx, asyncStatusCommand(jid));
    const result = jobStatusResult(jid, status.stdout);
    if (result.data?.['finished'] === 1) {
      say(rt, `${result.failed === true ? 'ASYNC FAILED' : 'ASYNC OK'} on ${ctx.host}: jid=${jid}`);
      await exec(ctx, asyncCleanupCommand(jid));
      return result;
    }
    say(rt, `ASYNC POLL on ${ctx.host}: jid=${jid} started=1 finished=0`);
  }
  return { changed: false, failed: true, msg: `async task did not complete within the requested time - ${settings.seconds}s`, data: { ...ids, finished: 0 } };
}
