// The state shared by everything that runs inside one batch of one play: dependencies, options, host states, the
// forks limiter, handlers (which include_role can extend), and the flags that stop a play early.
import type { LimitFunction } from 'p-limit';
import type { Vars } from '../inventory/types.js';
import type { ActionTask, Handler, Play } from '../playbook/types.js';
import type { ExecutorDeps, ExecutorOptions } from './deps.js';
import type { HostState } from './host-state.js';
import type { PlayScope, RunScope } from './variables.js';
import type { ItemOutcome } from './register.js';

/** Keywords a block passes down to the tasks inside it, unless a task sets its own. */
export interface InheritedKeywords {
  become: boolean | undefined;
  becomeUser: string | undefined;
  ignoreErrors: boolean | string | undefined;
  ignoreUnreachable: boolean;
  noLog: boolean;
  checkMode: boolean | undefined;
  delegateTo: string | undefined;
  environment: Record<string, string>;
  /** `when:` of enclosing blocks, re-checked for each task as Ansible does */
  when: string[];
}

/** Where in the task tree a task runs. */
export interface Frame {
  /** the play's top-level list: a failure here removes the host from the play at once */
  isRoot: boolean;
  /** inside a block that has a rescue section: a failure goes to rescue (counted as rescued) */
  inRescuableBlock: boolean;
  blockVars: Vars;
  tags: string[];
  inherited: InheritedKeywords;
  includeParams(host: string): Vars;
}

export function rootFrame(): Frame {
  return {
    isRoot: true,
    inRescuableBlock: false,
    blockVars: {},
    tags: [],
    inherited: { become: undefined, becomeUser: undefined, ignoreErrors: undefined, ignoreUnreachable: false, noLog: false, checkMode: undefined, delegateTo: undefined, environment: {}, when: [] },
    includeParams: () => ({}),
  };
}

/** One task on one host, ready to be reported and applied. */
export interface ActionOutcome {
  status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored' | 'rolled_back';
  registered: Vars;
  items: ItemOutcome[];
  facts: Vars;
  gatheredFacts: Vars;
  /** include_vars' variables, stored at their own precedence */
  includedVars: Vars;
  /** delegate_facts: what the task set for the hosts it was delegated to, by host, instead of for its own */
  delegatedFacts?: Map<string, FactSets>;
}

/** The three kinds of variables a task can set on a host. */
export interface FactSets {
  facts: Vars;
  gatheredFacts: Vars;
  includedVars: Vars;
}

/** Counts task starts through the run, so that every start of a task has an id of its own (TaskResult.taskId). */
export interface TaskRunCounter {
  started: number;
}

export interface PlayRuntime {
  deps: ExecutorDeps;
  options: ExecutorOptions;
  play: Play;
  run: RunScope;
  scope: PlayScope;
  hosts: ReadonlyMap<string, HostState>;
  /** the batch's hosts, in rollout order */
  batch: HostState[];
  /** the forks cap, shared by every host and task of the play */
  limit: LimitFunction;
  handlers: Handler[];
  /** per host: variables loaded from the play's vars_files */
  varsFiles: Map<string, Vars>;
  /** run_once tasks already started in this batch */
  runOnce: Map<ActionTask, Promise<ActionOutcome>>;
  /** --start-at-task not reached yet (shared across plays through the run) */
  startAt: { pending: string | undefined };
  /** how many times a task (or handler) has started in this run: each start's id, for reporters */
  taskRuns: TaskRunCounter;
  includeCache: Map<string, Promise<unknown>>;
  /** set by meta end_play / end_batch, any_errors_fatal, max_fail_percentage, Ctrl-C */
  stop: { reason: string; halt: boolean } | undefined;
  /** connection variables per host, templated once */
  connectionVars: Map<string, Vars>;
}

export function stopped(rt: PlayRuntime): boolean {
  return rt.stop !== undefined || rt.options.signal.aborted;
}
