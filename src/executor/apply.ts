// Applying a task's outcome to a host: register, set_fact / include_vars / gathered facts, handler notifications, the per-host
// summary (counted the way Ansible's recap counts), and the task_result event.
import { toUnsafe } from '../util/unsafe.js';
import type { Vars } from '../inventory/types.js';
import type { ActionTask } from '../playbook/types.js';
import type { TaskResult } from '../types/result.js';
import { addGatheredFacts, type HostState } from './host-state.js';
import type { ActionOutcome, FactSets, Frame, PlayRuntime } from './runtime.js';
import { countInto } from '../report/collect.js';

export interface ApplyOptions {
  /** false for the other hosts of a run_once task: they get the variables, not a result line of their own */
  report: boolean;
}

function setFactsOn(host: HostState, sets: FactSets): void {
  Object.assign(host.includedVars, sets.includedVars); // controller files' values: plain, templated when used
  Object.assign(host.setFacts, sets.facts); // set_fact's values: already unsafe where built from host data
  if (Object.keys(sets.gatheredFacts).length > 0) addGatheredFacts(host, sets.gatheredFacts);
}

/** Update the host from the outcome; returns true when the host failed this task (not ignored). */
export function applyOutcome(rt: PlayRuntime, task: ActionTask, host: HostState, frame: Frame, outcome: ActionOutcome, result: TaskResult, options: ApplyOptions): boolean {
  // what a host sent back is data: a "{{" in a command's stdout must never be rendered later (Ansible's unsafe)
  const registered = toUnsafe(outcome.registered) as Vars;
  if (task.register) host.setFacts[task.register] = registered;
  setFactsOn(host, outcome);
  for (const [name, sets] of outcome.delegatedFacts ?? []) {
    const target = rt.hosts.get(name);
    if (target) setFactsOn(target, sets);
    else rt.deps.emit({ type: 'message', level: 'warning', text: `delegate_facts: '${name}' is not an inventory host, the facts task '${result.task}' set for it are dropped`, at: new Date().toISOString() });
  }
  if (outcome.status === 'changed' || (outcome.status === 'ignored' && outcome.registered['changed'] === true)) {
    host.changedInPlay = true;
    for (const name of task.notify) host.notified.add(name);
  }
  if (options.report) {
    // a failure inside a block that has a rescue section is reported and counted as Ansible's `rescued`
    const reported: TaskResult = outcome.status === 'failed' && frame.inRescuableBlock ? { ...result, status: 'rescued' } : result;
    countInto(host.summary, reported);
    // a module's warnings, once per item, before the result line as Ansible prints them ([WARNING]: text, no host);
    // what a host sent may be in them, so control characters go before they reach a terminal
    for (const item of outcome.items) {
      for (const text of item.warnings ?? []) {
        rt.deps.emit({ type: 'message', level: 'warning', text: text.trimEnd().replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?'), at: new Date().toISOString() });
      }
    }
    rt.deps.emit({ type: 'task_result', result: reported });
  }
  if (outcome.status === 'unreachable') {
    host.status = 'unreachable';
    return false;
  }
  if (outcome.status === 'failed' || outcome.status === 'rolled_back') {
    host.lastFailure = { task: result.task, result: registered };
    return true;
  }
  return false;
}
