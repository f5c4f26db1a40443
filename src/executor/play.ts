// One play: its hosts (the `hosts:` pattern within --limit), batches (serial, canary group first, --canary),
// per batch: facts, pre_tasks, roles+tasks, post_tasks with a handler flush after each section, the batch gate,
// then the halt decision (max_fail_percentage, any_errors_fatal) that ends the rollout.
import pLimit from 'p-limit';
import type { Vars } from '../inventory/types.js';
import type { ActionTask, Play, Task } from '../playbook/types.js';
import { orderHosts, planBatches, shouldHalt } from './batches.js';
import { DEFAULT_FORKS, type ExecutorDeps, type ExecutorOptions } from './deps.js';
import { flushHandlers } from './handlers.js';
import type { HostState } from './host-state.js';
import { rootFrame, type PlayRuntime, type TaskRunCounter } from './runtime.js';
import { runActionOnHosts } from './actions.js';
import { runSection } from './strategy.js';
import { errorMessage, sleep } from './task.js';
import type { RunScope } from './variables.js';

export interface PlayOutcome {
  /** no later batch nor play runs (also when every host failed or was unreachable, as Ansible stops then) */
  halted: boolean;
  /** a rollout_halted was reported: the run counts as failed (exit 2) even if only hosts were unreachable */
  rolloutHalted: boolean;
}

function now(): string {
  return new Date().toISOString();
}

/** A task the executor adds itself (fact gathering), with every keyword at its default. */
export function syntheticTask(play: Play, module: string, name: string, args: Record<string, unknown>): ActionTask {
  return {
    kind: 'action', module, name, args, register: undefined, notify: [], failedWhen: undefined, changedWhen: undefined,
    until: undefined, retries: undefined, delay: undefined, when: [], tags: ['always'], vars: {}, become: undefined,
    becomeUser: undefined, ignoreErrors: false, ignoreUnreachable: false, noLog: false, checkMode: false, delegateTo: undefined,
    runOnce: false, throttle: undefined, environment: {}, loop: undefined, loopLookup: undefined,
    loopControl: { loopVar: 'item', indexVar: undefined, label: undefined, pause: undefined }, role: undefined, source: play.source,
  };
}

export interface PlayContext {
  deps: ExecutorDeps;
  options: ExecutorOptions;
  run: RunScope;
  hosts: ReadonlyMap<string, HostState>;
  startAt: { pending: string | undefined };
  taskRuns: TaskRunCounter;
}

/** The play's hosts: `hosts:` (templated with extra vars) within --limit, minus hosts that already failed. */
function selectPlayHosts(ctx: PlayContext, play: Play): string[] {
  let pattern = play.hosts;
  try {
    pattern = ctx.deps.templater.renderString(play.hosts, { ...ctx.run.extraVars, groups: ctx.run.groups });
  } catch {
    // an untemplatable pattern is used as written
  }
  const limit = ctx.options.limit === undefined ? undefined : new Set(ctx.options.limit);
  return ctx.run.inventory.select(pattern).filter((name) => {
    const host = ctx.hosts.get(name);
    return host !== undefined && (limit === undefined || limit.has(name)) && host.status !== 'failed' && host.status !== 'unreachable';
  });
}

async function loadVarsFiles(rt: PlayRuntime, host: HostState): Promise<void> {
  const vars: Vars = {};
  for (const raw of rt.play.varsFiles) {
    const path = rt.deps.templater.renderString(raw, { ...host.inventoryVars, ...rt.play.vars, ...rt.run.extraVars, inventory_hostname: host.name });
    let pending = rt.includeCache.get(`vars:${path}`) as Promise<Vars> | undefined;
    if (!pending) {
      pending = rt.deps.loader.loadVarsFile(path);
      rt.includeCache.set(`vars:${path}`, pending);
    }
    Object.assign(vars, await pending);
  }
  rt.varsFiles.set(host.name, vars);
}

async function runBatch(rt: PlayRuntime): Promise<void> {
  const { play } = rt;
  const activeHosts = (): HostState[] => rt.batch.filter((host) => host.status === 'active');
  await Promise.all(rt.batch.map(async (host) => {
    try {
      await loadVarsFiles(rt, host);
    } catch (error) {
      host.status = 'failed';
      host.summary.failed++;
      rt.deps.emit({ type: 'task_result', result: { host: host.name, task: 'vars_files', action: 'vars_files', status: 'failed', changed: false, msg: errorMessage(error), startedAt: now(), durationMs: 0 } });
    }
  }));
  if (play.gatherFacts && rt.deps.findModule('setup')) {
    // straight to the hosts: facts are gathered whatever --tags or --start-at-task say, as in Ansible
    const failed = await runActionOnHosts(rt, syntheticTask(play, 'setup', 'Gathering Facts', {}), activeHosts(), rootFrame());
    for (const host of failed) host.status = 'failed';
  }
  const sections: Task[][] = [play.preTasks, play.tasks, play.postTasks];
  for (const tasks of sections) {
    if (rt.stop !== undefined || rt.options.signal.aborted) break;
    if (tasks.length === 0) continue;
    await runSection(rt, tasks, activeHosts());
    const flushFailed = await flushHandlers(rt, rt.batch);
    for (const host of flushFailed) host.status = 'failed';
  }
  // Hosts that failed still run what they were notified of with --force-handlers, as in Ansible.
  if ((rt.options.forceHandlers || play.forceHandlers) && rt.batch.some((host) => host.notified.size > 0)) {
    await flushHandlers(rt, rt.batch);
  }
  if (play.batchGate.length > 0 && rt.stop === undefined && !rt.options.signal.aborted && activeHosts().length > 0) {
    await runSection(rt, play.batchGate, activeHosts());
  }
}

export async function runPlay(ctx: PlayContext, play: Play): Promise<PlayOutcome> {
  const names = selectPlayHosts(ctx, play);
  ctx.deps.emit({ type: 'play_start', play: play.name, hosts: names, at: now() });
  if (names.length === 0) {
    ctx.deps.emit({ type: 'message', level: 'warning', text: `play '${play.name}': no hosts matched '${play.hosts}', skipping`, at: now() });
    ctx.deps.emit({ type: 'play_end', play: play.name, at: now() });
    return { halted: false, rolloutHalted: false };
  }
  for (const name of names) {
    const host = ctx.hosts.get(name) as HostState;
    host.changedInPlay = false;
    if (host.status === 'ended') host.status = 'active';
  }
  const canaryHosts = ctx.run.inventory.groups.has(play.canaryGroup) ? ctx.run.inventory.groupHosts(play.canaryGroup) : [];
  const ordered = orderHosts(names, play.order, canaryHosts);
  const batches = planBatches(ordered, play.serial, ctx.options.canary);
  const isRollout = batches.length > 1 || play.serial !== undefined || ctx.options.canary !== undefined;
  const handlers = [...play.handlers];
  const limit = pLimit(Math.max(1, ctx.options.forks || DEFAULT_FORKS));
  let halted = false;
  let rolloutHalted = false;

  for (const [index, batchNames] of batches.entries()) {
    if (ctx.options.signal.aborted) break;
    if (index > 0 && ctx.options.confirmBatch) {
      const go = await ctx.options.confirmBatch({ play: play.name, index: index + 1, total: batches.length, hosts: batchNames });
      if (!go) {
        emitHalt(ctx, play, index, 'the operator declined the next batch', ordered, batches.slice(index).flat());
        halted = true;
        rolloutHalted = true;
        break;
      }
    }
    const batch = batchNames.map((name) => ctx.hosts.get(name) as HostState);
    if (isRollout) ctx.deps.emit({ type: 'batch_start', play: play.name, index: index + 1, total: batches.length, hosts: batchNames, at: now() });
    const rt: PlayRuntime = {
      deps: ctx.deps, options: ctx.options, play, run: ctx.run, hosts: ctx.hosts, batch, limit, handlers,
      scope: { playHosts: names, playName: play.name, batchHosts: () => batch.filter((host) => host.status === 'active').map((host) => host.name) },
      varsFiles: new Map(), runOnce: new Map(), startAt: ctx.startAt, taskRuns: ctx.taskRuns, includeCache: new Map(), stop: undefined, connectionVars: new Map(),
    };
    await runBatch(rt);
    const failedHosts = batch.filter((host) => host.status === 'failed' || host.status === 'unreachable').map((host) => host.name);
    if (isRollout) ctx.deps.emit({ type: 'batch_end', play: play.name, index: index + 1, failedHosts, at: now() });
    if (ctx.options.signal.aborted) break;
    const decision = rt.stop?.halt
      ? { halt: true, reason: rt.stop.reason }
      : shouldHalt({
        batchSize: batch.length,
        failed: batch.filter((host) => host.status === 'failed').length,
        unreachable: batch.filter((host) => host.status === 'unreachable').length,
        maxFailPercentage: play.maxFailPercentage,
        anyErrorsFatal: play.anyErrorsFatal,
      });
    if (decision.halt) {
      // any_errors_fatal / a failure threshold also ends the play for the hosts of this batch that were fine
      if (isRollout || play.anyErrorsFatal || play.maxFailPercentage !== undefined) {
        emitHalt(ctx, play, index + 1, decision.reason ?? 'failure threshold reached', ordered, batches.slice(index + 1).flat());
        rolloutHalted = true;
      }
      halted = true;
      break;
    }
    if (rt.stop?.reason === 'meta: end_play') break;
    if (index < batches.length - 1 && play.batchPause) await sleep(rt, play.batchPause * 1000);
  }
  ctx.deps.emit({ type: 'play_end', play: play.name, at: now() });
  return { halted, rolloutHalted };
}

function emitHalt(ctx: PlayContext, play: Play, batch: number, reason: string, ordered: string[], untouched: string[]): void {
  const changedHosts = ordered.filter((name) => ctx.hosts.get(name)?.changedInPlay === true);
  ctx.deps.emit({ type: 'rollout_halted', play: play.name, batch, reason, changedHosts, untouchedHosts: untouched, at: now() });
}
