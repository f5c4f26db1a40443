// Applying a task's outcome to a host: register, set_fact / gathered facts, handler notifications, the per-host
// summary (counted the way Ansible's recap counts), and the task_result event.
import { markUnsafe } from '../playbook/template.js';
import type { ActionTask } from '../playbook/types.js';
import type { TaskResult } from '../report/result.js';
import { addGatheredFacts, type HostState } from './host-state.js';
import type { ActionOutcome, Frame, PlayRuntime } from './runtime.js';

export interface ApplyOptions {
  /** false for the other hosts of a run_once task: they get the variables, not a result line of their own */
  report: boolean;
}

/** Update the host from the outcome; returns true when the host failed this task (not ignored). */
export function applyOutcome(rt: PlayRuntime, task: ActionTask, host: HostState, frame: Frame, outcome: ActionOutcome, result: TaskResult, options: ApplyOptions): boolean {
  // registered output is data: a "{{" in a command's stdout must never be rendered later (Ansible's unsafe)
  if (task.register) host.setFacts[task.register] = markUnsafe(outcome.registered);
  Object.assign(host.setFacts, outcome.facts);
  if (Object.keys(outcome.gatheredFacts).length > 0) addGatheredFacts(host, outcome.gatheredFacts);
  if (outcome.status === 'changed' || (outcome.status === 'ignored' && outcome.registered['changed'] === true)) {
    host.changedInPlay = true;
    for (const name of task.notify) host.notified.add(name);
  }
  if (options.report) {
    countStatus(host, outcome, frame);
    rt.deps.emit({ type: 'task_result', result });
  }
  if (outcome.status === 'unreachable') {
    host.status = 'unreachable';
    return false;
  }
  if (outcome.status === 'failed' || outcome.status === 'rolled_back') {
    host.lastFailure = { task: result.task, result: outcome.registered };
    return true;
  }
  return false;
}

/**
 * Ansible's recap arithmetic: `ok` includes changed and ignored tasks; a failure inside a block that has a rescue
 * section counts as `rescued`, not `failed` (a failure inside the rescue itself counts as failed).
 */
function countStatus(host: HostState, outcome: ActionOutcome, frame: Frame): void {
  const summary = host.summary;
  switch (outcome.status) {
    case 'ok':
      summary.ok++;
      break;
    case 'changed':
      summary.ok++;
      summary.changed++;
      break;
    case 'ignored':
      summary.ok++;
      summary.ignored++;
      if (outcome.registered['changed'] === true) summary.changed++;
      break;
    case 'skipped':
      summary.skipped++;
      break;
    case 'unreachable':
      summary.unreachable++;
      break;
    case 'failed':
      if (frame.inRescuableBlock) summary.rescued++;
      else summary.failed++;
      break;
    case 'rolled_back':
      summary.rolled_back++;
      break;
  }
}
