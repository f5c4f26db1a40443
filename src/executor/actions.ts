// An action task across the hosts of a list, in parallel under the forks cap and the task's throttle, with
// run_once (one host runs it, every host gets its result, as Ansible does).
import pLimit from 'p-limit';
import type { ActionTask } from '../playbook/types.js';
import { applyOutcome } from './apply.js';
import type { HostState } from './host-state.js';
import type { ActionOutcome, Frame, PlayRuntime } from './runtime.js';
import { errorMessage, executeAction, taskLabel, varsForTask } from './task.js';
import type { TaskResult } from '../types/result.js';

/** A bug or an unexpected error while running one task on one host fails that task on that host, not the run. */
function internalFailure(task: ActionTask, host: HostState, label: string, error: unknown): { outcome: ActionOutcome; result: TaskResult } {
  const msg = `internal error: ${errorMessage(error)}`;
  return {
    outcome: { status: 'failed', registered: { changed: false, failed: true, msg }, items: [], facts: {}, gatheredFacts: {}, includedVars: {} },
    result: { host: host.name, task: label, action: task.module, status: 'failed', changed: false, msg, startedAt: new Date().toISOString(), durationMs: 0 },
  };
}

export interface ActionRunOptions {
  /** the action is a notified handler (reported as such) */
  handler?: boolean;
}

/** Runs the task on every host; returns the hosts that failed it (not ignored, not unreachable). */
export async function runActionOnHosts(rt: PlayRuntime, task: ActionTask, hosts: HostState[], frame: Frame, options: ActionRunOptions = {}): Promise<Set<HostState>> {
  const failed = new Set<HostState>();
  const throttle = task.throttle !== undefined && task.throttle > 0 ? pLimit(task.throttle) : undefined;
  // Ansible templates the header's name with the first host's variables (undefined ones left as written)
  const firstHost = hosts[0];
  const label = taskLabel(rt, task, firstHost !== undefined && task.name?.includes('{') ? varsForTask(rt, task, firstHost, frame) : undefined);
  rt.taskRuns.started += 1;
  const taskId = String(rt.taskRuns.started);
  const announce = (host: HostState): void =>
    rt.deps.emit({ type: 'task_start', taskId, host: host.name, task: label, ...(task.role ? { role: task.role.name } : {}), ...(options.handler ? { handler: true } : {}), at: new Date().toISOString() });
  const execute = (host: HostState): Promise<{ outcome: ActionOutcome; result: TaskResult }> =>
    executeAction(rt, task, host, frame)
      .catch((error: unknown) => internalFailure(task, host, label, error))
      .then(({ outcome, result }) => ({ outcome, result: { taskId, ...result } }));
  const runOne = async (host: HostState): Promise<void> => {
    if (rt.options.signal.aborted) return;
    if (task.runOnce) {
      let shared = rt.runOnce.get(task);
      const first = shared === undefined;
      if (!shared) {
        announce(host);
        shared = execute(host).then(({ outcome, result }) => {
          if (applyOutcome(rt, task, host, frame, outcome, result, { report: true })) failed.add(host);
          return outcome;
        });
        rt.runOnce.set(task, shared);
      }
      const outcome: ActionOutcome = await shared;
      if (!first && applyOutcome(rt, task, host, frame, outcome, { taskId, host: host.name, task: label, action: task.module, status: outcome.status, changed: false, startedAt: '', durationMs: 0 }, { report: false })) {
        failed.add(host);
      }
      return;
    }
    announce(host);
    const { outcome, result } = await execute(host);
    if (applyOutcome(rt, task, host, frame, outcome, result, { report: true })) failed.add(host);
  };
  await Promise.all(hosts.map((host) => rt.limit(() => (throttle ? throttle(() => runOne(host)) : runOne(host)))));
  return failed;
}
