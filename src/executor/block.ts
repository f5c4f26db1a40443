// A list of tasks on a set of hosts in lockstep (the linear strategy's unit; the free strategy calls it with one
// host): block/rescue/always with Ansible's semantics, dynamic includes, meta actions, tags and --start-at-task.
// A host that fails leaves the rest of the list; at the play's top level it leaves the play.
import type { Vars } from '../inventory/types.js';
import type { ActionTask, BlockTask, Task } from '../playbook/types.js';
import { shouldHalt } from './batches.js';
import { runActionOnHosts } from './actions.js';
import { flushHandlers } from './handlers.js';
import type { HostState } from './host-state.js';
import { runInclude } from './include.js';
import { bypassesHostLoop } from './inventory-actions.js';
import { stopped, type Frame, type PlayRuntime } from './runtime.js';
import { shouldRunForTags } from './tags.js';
import { varsForTask } from './task.js';
import { matchesStartAt } from '../playbook/task-refs.js';

function selectedByTags(rt: PlayRuntime, task: Task, frame: Frame): boolean {
  return shouldRunForTags([...new Set([...frame.tags, ...task.tags])], { only: rt.options.tags, skip: rt.options.skipTags });
}

/** Failure-percentage and any_errors_fatal checks after each top-level task, as Ansible's linear strategy does. */
function checkPlayFailures(rt: PlayRuntime): void {
  const { maxFailPercentage, anyErrorsFatal } = rt.play;
  if (maxFailPercentage === undefined && !anyErrorsFatal) return;
  const failed = rt.batch.filter((host) => host.status === 'failed').length;
  const unreachable = rt.batch.filter((host) => host.status === 'unreachable').length;
  if (failed + unreachable === 0) return;
  const decision = shouldHalt({ batchSize: rt.batch.length, failed, unreachable, maxFailPercentage, anyErrorsFatal });
  if (decision.halt && rt.stop === undefined) rt.stop = { reason: decision.reason ?? 'failure threshold reached', halt: true };
}

export async function runTaskList(rt: PlayRuntime, tasks: Task[], hosts: HostState[], frame: Frame): Promise<Set<HostState>> {
  const failed = new Set<HostState>();
  for (const task of tasks) {
    if (stopped(rt)) break;
    const active = hosts.filter((host) => host.status === 'active' && !failed.has(host));
    if (active.length === 0) break;
    let newlyFailed: Set<HostState>;
    if (task.kind === 'block') {
      newlyFailed = await runBlock(rt, task, active, frame);
    } else {
      if (rt.startAt.pending !== undefined) {
        if (task.kind !== 'action' || !matchesStartAt(rt.startAt.pending, task.name)) continue;
        rt.startAt.pending = undefined;
      }
      if (!selectedByTags(rt, task, frame)) continue;
      if (task.kind === 'action') {
        // add_host runs once for the task, on the first host, as Ansible's BYPASS_HOST_LOOP actions do
        const targets = bypassesHostLoop(task.module) ? active.slice(0, 1) : active;
        newlyFailed = task.module === 'meta' ? await runMeta(rt, task, active, frame) : await runActionOnHosts(rt, task, targets, frame);
      } else {
        newlyFailed = await runInclude(rt, task, active, frame, runTaskList);
      }
    }
    for (const host of newlyFailed) failed.add(host);
    if (frame.isRoot && newlyFailed.size > 0) {
      for (const host of newlyFailed) if (host.status === 'active') host.status = 'failed';
      checkPlayFailures(rt);
    }
    if (frame.isRoot && hosts.some((host) => host.status === 'unreachable')) checkPlayFailures(rt);
  }
  return failed;
}

function blockFrame(block: BlockTask, frame: Frame): Frame {
  const inherited = frame.inherited;
  return {
    ...frame,
    isRoot: false,
    blockVars: { ...frame.blockVars, ...block.vars },
    tags: [...new Set([...frame.tags, ...block.tags])],
    inherited: {
      become: block.become ?? inherited.become,
      becomeUser: block.becomeUser ?? inherited.becomeUser,
      ignoreErrors: block.ignoreErrors === false ? inherited.ignoreErrors : block.ignoreErrors,
      ignoreUnreachable: block.ignoreUnreachable || inherited.ignoreUnreachable,
      noLog: block.noLog || inherited.noLog,
      checkMode: block.checkMode ?? inherited.checkMode,
      delegateTo: block.delegateTo ?? inherited.delegateTo,
      environment: { ...inherited.environment, ...block.environment },
      when: [...inherited.when, ...block.when],
    },
  };
}

/** block, then rescue for the hosts that failed in it, then always for every host that entered the block. */
async function runBlock(rt: PlayRuntime, block: BlockTask, hosts: HostState[], frame: Frame): Promise<Set<HostState>> {
  const inner = blockFrame(block, frame);
  const hasRescue = block.rescue.length > 0;
  const failedInBlock = await runTaskList(rt, block.block, hosts, { ...inner, inRescuableBlock: hasRescue || frame.inRescuableBlock });
  let stillFailed = failedInBlock;
  if (hasRescue && failedInBlock.size > 0 && !rt.options.signal.aborted) {
    const rescuing = hosts.filter((host) => failedInBlock.has(host) && host.status === 'active');
    stillFailed = await runTaskList(rt, block.rescue, rescuing, { ...inner, inRescuableBlock: frame.inRescuableBlock });
    for (const host of rescuing) if (!stillFailed.has(host)) host.lastFailure = undefined;
    // a rescue stopped by end_play etc. leaves the remaining hosts failed
    for (const host of hosts) if (failedInBlock.has(host) && host.status !== 'active') stillFailed.add(host);
  }
  let failedInAlways = new Set<HostState>();
  if (block.always.length > 0 && !rt.options.signal.aborted) {
    const always = hosts.filter((host) => host.status === 'active');
    const savedStop = rt.stop;
    // always runs even when the play is being stopped for a failure, as in Ansible
    if (savedStop?.halt) rt.stop = undefined;
    failedInAlways = await runTaskList(rt, block.always, always, { ...inner, inRescuableBlock: frame.inRescuableBlock });
    rt.stop ??= savedStop;
  }
  return new Set([...stillFailed, ...failedInAlways]);
}

/** The action of `meta: X`, read from its arguments whatever the module calls its free-form argument. */
function metaAction(task: ActionTask): string {
  const value = Object.values(task.args).find((arg) => typeof arg === 'string');
  return typeof value === 'string' ? value.trim() : 'noop';
}

/** meta runs in the strategy, not on hosts: flush_handlers, end_play, end_batch, end_host, clear_facts, noop. */
async function runMeta(rt: PlayRuntime, task: ActionTask, hosts: HostState[], frame: Frame): Promise<Set<HostState>> {
  const action = metaAction(task);
  const applies = (host: HostState): boolean => {
    const conditions = [...frame.inherited.when, ...task.when];
    if (conditions.length === 0) return true;
    const vars: Vars = varsForTask(rt, task, host, frame);
    return conditions.every((condition) => rt.deps.templater.test(condition, vars));
  };
  const targets = hosts.filter(applies);
  switch (action) {
    case 'flush_handlers':
      return flushHandlers(rt, targets);
    case 'end_play':
      if (targets.length > 0) rt.stop ??= { reason: 'meta: end_play', halt: false };
      break;
    case 'end_batch':
      if (targets.length > 0) rt.stop ??= { reason: 'meta: end_batch', halt: false };
      break;
    case 'end_host':
      for (const host of targets) host.status = 'ended';
      break;
    case 'clear_facts':
      for (const host of targets) host.facts = {};
      break;
    case 'noop':
    case 'refresh_inventory':
    case 'clear_host_errors':
    case 'reset_connection':
      break;
    default:
      rt.deps.emit({ type: 'message', level: 'warning', text: `meta: unknown action '${action}' ignored`, at: new Date().toISOString() });
  }
  return new Set();
}
