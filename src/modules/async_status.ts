// async_status: where an async job (`async:` with `poll: 0`) stands. `jid` from the job's registered result;
// mode status (default) gives {ansible_job_id, started, finished, results_file} and, once finished, the job's own
// result (rc, stdout, stderr, cmd...), failing as the job failed; mode cleanup removes the job's files.
// Read-only apart from cleanup, so it runs in check mode too, as Ansible's does.
import { asyncCleanupCommand, asyncStatusCommand, checkedJobId, parseJobStatus } from './lib/async-job.js';
import { exec, failOnArgError, optionalString } from './lib/common.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

/** The job's state as a module result (shared with the executor, which polls `async:` tasks with it). */
export function jobStatusResult(jid: string, stdout: string): ModuleResult {
  const status = parseJobStatus(stdout);
  const ids = { ansible_job_id: jid, results_file: status.resultsFile, started: 1 };
  if (status.state === 'missing') return { changed: false, failed: true, msg: 'could not find job', data: { ...ids, finished: 1 } };
  if (status.state === 'running') return { changed: false, data: { ...ids, finished: 0 } };
  return { ...status.result, data: { ...status.result.data, ...ids, finished: 1 } };
}

export const asyncStatusModule: ModuleDefinition = {
  name: 'async_status',
  argsSchema: {
    type: 'object',
    properties: { jid: { type: ['string', 'number'] }, mode: { enum: ['status', 'cleanup'] } },
    required: ['jid'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const jid = checkedJobId('async_status', args['jid']);
      if ((optionalString('async_status', args, 'mode') ?? 'status') === 'cleanup') {
        const result = await exec(ctx, asyncCleanupCommand(jid));
        if (result.rc !== 0) return { changed: false, failed: true, rc: result.rc, msg: `async_status: could not remove the job's files: ${result.stderr.trim()}` };
        return { changed: false, stdout: '', stderr: '', data: { ansible_job_id: jid, erased: result.stdout.trim(), started: 0, finished: 0 } };
      }
      const result = await exec(ctx, asyncStatusCommand(jid));
      if (result.rc !== 0) return { changed: false, failed: true, rc: result.rc, msg: `async_status: could not read the job's status: ${result.stderr.trim()}` };
      return jobStatusResult(jid, result.stdout);
    }),
};
