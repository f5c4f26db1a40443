// One action task on one host: when (per loop item), loop + loop_control, args templated per item (omit dropped)
// and validated, become/environment/check_mode/delegate_to, retries/until/delay, failed_when/changed_when, and the
// registered value in Ansible's shape. No host state is changed here: apply.ts does that, so run_once can apply one
// outcome to many hosts (add_host/group_by change the run's inventory here, before changed_when reads the result).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { CommandTimeoutError, UnreachableError } from '../connection/errors.js';
import type { Connection } from '../connection/types.js';
import type { Vars } from '../inventory/types.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from '../modules/lib/types.js';
import { numberOf } from '../playbook/task-values.js';
import type { ActionTask, NumberOrTemplate } from '../playbook/types.js';
import type { TaskResult } from '../types/result.js';
import { pythonStr } from '../inventory/ansible-output.js';
import { plainData, toUnsafe } from '../util/unsafe.js';
import { dropOmitted, validateModuleArgs } from './args.js';
import type { HostState } from './host-state.js';
import { runAsync, DEFAULT_POLL_S } from './async-task.js';
import { applyInventoryChange } from './inventory-actions.js';
import { loopItem, renderLoopList } from './loop-items.js';
import { registeredItem, registeredLoop, type ItemOutcome, type LoopItemShape } from './register.js';
import type { ActionOutcome, FactSets, Frame, PlayRuntime } from './runtime.js';
import { taskVariables } from './variables.js';

const DEFAULT_RETRIES = 3;
const DEFAULT_DELAY_S = 5;

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function sleep(rt: PlayRuntime, ms: number): Promise<void> {
  if (ms <= 0) return;
  if (rt.deps.sleep) return rt.deps.sleep(ms, rt.options.signal);
  const signal = rt.options.signal;
  await new Promise<void>((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    // the listener goes when the timer fires: retries and delays must not pile listeners on the run's one signal
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The task as the operator sees it: its name (templated when possible), else its module. */
export function taskLabel(rt: PlayRuntime, task: ActionTask, vars: Vars | undefined): string {
  if (task.name !== undefined) {
    if (vars === undefined || !task.name.includes('{')) return task.name;
    try {
      return rt.deps.templater.renderString(task.name, vars);
    } catch {
      return task.name;
    }
  }
  // Ansible shows an unnamed task by its module name
  return task.module;
}

export function varsForTask(rt: PlayRuntime, task: ActionTask, host: HostState, frame: Frame): Vars {
  return taskVariables(rt.run, rt.scope, host, {
    role: task.role,
    playVars: rt.play.vars,
    varsFiles: rt.varsFiles.get(host.name) ?? {},
    blockVars: frame.blockVars,
    taskVars: task.vars,
    includeParams: frame.includeParams(host.name),
  });
}

function truthy(rt: PlayRuntime, value: boolean | string | undefined, vars: Vars): boolean {
  if (value === undefined || typeof value === 'boolean') return value === true;
  return rt.deps.templater.test(value, vars);
}

/** Resolve a controller-side file as Ansible does: role files/ or templates/, the task file's dir, the playbook dir. */
function findFileFor(rt: PlayRuntime, task: ActionTask, path: string, kind: 'files' | 'templates' | 'vars'): string {
  if (isAbsolute(path)) return path;
  const taskDir = dirname(task.source.file);
  const candidates = [
    ...(task.role ? [join(task.role.path, kind, path), join(task.role.path, path)] : []),
    join(taskDir, kind, path), join(taskDir, '..', kind, path), join(taskDir, path),
    join(rt.play.baseDir, kind, path), join(rt.play.baseDir, path),
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? join(rt.play.baseDir, kind, path);
}

/** The host's connection variables (ansible_host, ansible_user, ...), templated once per host. */
function connectionVars(rt: PlayRuntime, host: HostState, vars: Vars): Vars {
  let rendered = rt.connectionVars.get(host.name);
  if (!rendered) {
    rendered = {};
    for (const [key, value] of Object.entries(vars)) {
      if (!/^(ansible_|airlock_)/.test(key) || key === 'ansible_facts' || key in host.facts) continue;
      try {
        rendered[key] = rt.deps.templater.render(value, vars);
      } catch {
        rendered[key] = value; // the connection layer reports a value it cannot use
      }
    }
    rt.connectionVars.set(host.name, rendered);
  }
  return rendered;
}

async function connectionFor(rt: PlayRuntime, module: ModuleDefinition, host: HostState, delegateTo: string | undefined, vars: Vars): Promise<Connection> {
  if (module.controllerOnly || delegateTo === 'localhost' || delegateTo === '127.0.0.1') return rt.deps.connections.local();
  if (delegateTo !== undefined && delegateTo !== host.name) {
    const delegate = rt.hosts.get(delegateTo);
    if (!delegate) throw new Error(`delegate_to: '${delegateTo}' is not localhost nor an inventory host`);
    return rt.deps.connections.get(delegateTo, connectionVars(rt, delegate, { ...delegate.inventoryVars, ...rt.run.extraVars }));
  }
  return rt.deps.connections.get(host.name, connectionVars(rt, host, vars));
}

function fromModuleResult(result: ModuleResult): ItemOutcome {
  const outcome: ItemOutcome = { changed: result.changed, failed: result.failed === true, skipped: result.skipped === true };
  if (result.msg !== undefined) outcome.msg = result.msg;
  if (result.rc !== undefined) outcome.rc = result.rc;
  if (result.stdout !== undefined) outcome.stdout = result.stdout;
  if (result.stderr !== undefined) outcome.stderr = result.stderr;
  if (result.diff !== undefined) outcome.diff = result.diff;
  if (result.warnings !== undefined) outcome.warnings = result.warnings.map(String);
  if (result.data !== undefined) outcome.data = result.data;
  return outcome;
}

/** The variables one item sets for the items after it: set_fact's facts, include_vars' variables. */
function variablesSetBy(module: ModuleDefinition, outcome: ItemOutcome): Vars {
  const facts = (outcome.data?.['facts'] as Vars | undefined) ?? {};
  if (module.factsAreVariables !== true) return facts;
  return { ...((outcome.data?.['ansible_facts'] as Vars | undefined) ?? {}), ...facts };
}

function failure(msg: string): ItemOutcome {
  return { changed: false, failed: true, skipped: false, msg };
}

/** The first false `when:` condition, or undefined when all hold. Throws when a condition cannot be evaluated. */
function falseCondition(rt: PlayRuntime, conditions: readonly string[], vars: Vars): string | undefined {
  return conditions.find((condition) => !rt.deps.templater.test(condition, vars));
}

interface Invocation {
  rt: PlayRuntime;
  task: ActionTask;
  host: HostState;
  frame: Frame;
  module: ModuleDefinition;
}

/** `retries`/`delay` as numbers; a templated one is rendered with the host's variables (and must give a number). */
function numericKeyword(value: NumberOrTemplate | undefined, keyword: string, render: (template: string) => unknown): number | undefined {
  if (typeof value !== 'string') return value;
  const rendered = render(value);
  const number = numberOf(rendered);
  if (number === undefined) throw new Error(`${keyword}: '${value}' gave ${JSON.stringify(rendered)}, not a number`);
  return number;
}

/** One module call (one loop item), with retries/until and failed_when/changed_when. */
async function runItem(inv: Invocation, vars: Vars): Promise<ItemOutcome> {
  const { rt, task, host, frame, module } = inv;
  const { templater } = rt.deps;
  let skippedBy: string | undefined;
  try {
    skippedBy = falseCondition(rt, [...frame.inherited.when, ...task.when], vars);
  } catch (error) {
    return failure(`The conditional check failed: ${errorMessage(error)}`);
  }
  if (skippedBy !== undefined) {
    return { changed: false, failed: false, skipped: true, skipReason: 'Conditional result was False', falseCondition: skippedBy };
  }

  let args: Record<string, unknown>;
  let env: Record<string, string>;
  let delegateTo: string | undefined;
  let retriesSetting: number | undefined;
  let delaySeconds: number | undefined;
  let asyncSeconds: number | undefined;
  let pollSeconds: number | undefined;
  try {
    // set_fact stores its arguments as variables: it gets them with host data still marked unsafe
    const rendered = module.keepsUnsafeArgs === true ? templater.renderKeepingUnsafe(task.args, vars) : templater.render(task.args, vars);
    args = dropOmitted(rendered, rt.deps.omit) as Record<string, unknown>;
    env = {};
    const rawEnv = { ...rt.play.environment, ...frame.inherited.environment, ...task.environment };
    for (const [key, value] of Object.entries(rawEnv)) env[key] = String(templater.render(value, vars));
    const rawDelegate = task.delegateTo ?? frame.inherited.delegateTo;
    delegateTo = rawDelegate === undefined ? undefined : templater.renderString(rawDelegate, vars);
    retriesSetting = numericKeyword(task.retries, 'retries', (template) => templater.render(template, vars));
    delaySeconds = numericKeyword(task.delay, 'delay', (template) => templater.render(template, vars));
    asyncSeconds = numericKeyword(task.async, 'async', (template) => templater.render(template, vars));
    pollSeconds = numericKeyword(task.poll, 'poll', (template) => templater.render(template, vars));
  } catch (error) {
    return failure(`templating failed: ${errorMessage(error)}`);
  }
  const invalid = validateModuleArgs(module, plainData(args) as Record<string, unknown>);
  if (invalid !== undefined) {
    return failure(`${module.name} on ${host.name}, task '${taskLabel(rt, task, vars)}': ${invalid}`);
  }

  // host variables ansible_become / ansible_become_user count between the play's keyword and the task's, as in Ansible
  let varBecome: boolean | undefined;
  let varBecomeUser: string | undefined;
  try {
    if ('ansible_become' in vars) varBecome = /^(true|yes|on|1)$/i.test(String(templater.render(vars['ansible_become'], vars)));
    if (typeof vars['ansible_become_user'] === 'string') varBecomeUser = templater.renderString(vars['ansible_become_user'], vars);
  } catch (error) {
    return failure(`ansible_become: ${errorMessage(error)}`);
  }
  const become = task.become ?? frame.inherited.become ?? varBecome ?? rt.play.become;
  const becomeUser = task.becomeUser ?? frame.inherited.becomeUser ?? varBecomeUser ?? rt.play.becomeUser ?? 'root';
  const check = task.checkMode ?? frame.inherited.checkMode ?? rt.play.checkMode ?? rt.options.check;
  let conn: Connection;
  try {
    conn = await connectionFor(rt, module, host, delegateTo, vars);
  } catch (error) {
    if (error instanceof UnreachableError) return { changed: false, failed: false, skipped: false, unreachable: error.message, msg: error.message };
    return failure(errorMessage(error));
  }
  const ctx: ModuleContext = {
    host: host.name,
    conn,
    check,
    diff: rt.options.diff,
    vars,
    render: (template) => templater.renderString(template, vars),
    evaluate: (expression) => templater.evaluate(expression, vars),
    findFile: (path, kind) => findFileFor(rt, task, path, kind),
    become: become ? { user: becomeUser } : undefined,
    env,
    signal: rt.options.signal,
    reconnect: () => connectionFor(rt, module, host, delegateTo, vars),
    verbosity: rt.options.verbosity,
    runId: rt.options.runId,
  };

  // ansible-core's count: the first run plus `retries` retries (retries 3 = up to 4 runs; retries <= 0 = one run).
  // `retries` without `until` retries until the task succeeds (ansible-core 2.16, ansible/ansible#81531).
  const retrying = task.until !== undefined || (retriesSetting !== undefined && retriesSetting > 0);
  const retries = retriesSetting ?? DEFAULT_RETRIES;
  const attempts = retrying ? (retries <= 0 ? 1 : retries + 1) : 1;
  const untilCondition = task.until ?? `${task.register ?? '__airlock_result'} is succeeded`;
  const delayMs = (delaySeconds ?? DEFAULT_DELAY_S) * 1000;
  let outcome: ItemOutcome = failure('not run');
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      // async: 0 (or none) is an ordinary task, as in Ansible
      const moduleResult = asyncSeconds !== undefined && asyncSeconds !== 0
        ? await runAsync(rt, module, args, ctx, { seconds: asyncSeconds, poll: pollSeconds ?? DEFAULT_POLL_S }, taskLabel(rt, task, vars), (ms) => sleep(rt, ms))
        : await module.run(args, ctx);
      outcome = fromModuleResult(moduleResult);
      applyInventoryChange(rt, module.name, host, outcome);
    } catch (error) {
      if (error instanceof UnreachableError) {
        return { changed: false, failed: false, skipped: false, unreachable: error.message, msg: error.message };
      }
      outcome = failure(error instanceof CommandTimeoutError ? error.message : `${module.name} failed: ${errorMessage(error)}`);
    }
    // the module's result is host data, in conditions as in the registered variable
    const resultVars = (): Vars => ({ ...vars, [task.register ?? '__airlock_result']: toUnsafe(registeredItem(outcome)) });
    try {
      if (task.changedWhen !== undefined && !outcome.skipped) {
        outcome.changed = task.changedWhen.every((condition) => templater.test(condition, resultVars()));
      }
      if (task.failedWhen !== undefined && !outcome.skipped) {
        outcome.failed = task.failedWhen.every((condition) => templater.test(condition, resultVars()));
        if (!outcome.failed) delete outcome.msg;
        else outcome.msg ??= `failed_when: ${task.failedWhen.join(' and ')}`;
      }
    } catch (error) {
      outcome = { ...outcome, failed: true, msg: `failed_when/changed_when: ${errorMessage(error)}` };
    }
    if (!retrying) break;
    outcome.attempts = attempt;
    let done: boolean;
    try {
      done = templater.test(untilCondition, resultVars());
    } catch (error) {
      outcome = { ...outcome, failed: true, msg: `until: ${errorMessage(error)}` };
      outcome.attempts = attempt;
      break;
    }
    if (done) break;
    if (attempt === attempts) {
      outcome.failed = true;
      outcome.msg ??= `still failing after ${attempts} attempts (until: ${untilCondition})`;
      break;
    }
    if (rt.options.signal.aborted) break;
    // Ansible's line for each retry (its default callback prints it at every verbosity)
    const where = delegateTo === undefined ? host.name : `${host.name} -> ${delegateTo}`;
    rt.deps.emit({ type: 'message', level: 'info', text: `FAILED - RETRYING: [${where}]: ${taskLabel(rt, task, vars)} (${attempts - attempt} retries left).`, at: new Date().toISOString() });
    await sleep(rt, delayMs);
  }
  if (delegateTo !== undefined) outcome.delegatedTo = delegateTo;
  return outcome;
}

function statusOf(rt: PlayRuntime, task: ActionTask, frame: Frame, items: ItemOutcome[], registered: Vars, vars: Vars): ActionOutcome['status'] {
  const ignoreUnreachable = task.ignoreUnreachable || frame.inherited.ignoreUnreachable;
  if (items.some((item) => item.unreachable !== undefined)) return ignoreUnreachable ? 'ignored' : 'unreachable';
  if (registered['failed'] === true) {
    let ignore = false;
    try {
      ignore = truthy(rt, task.ignoreErrors === false ? frame.inherited.ignoreErrors : task.ignoreErrors, vars);
    } catch {
      ignore = false;
    }
    if (ignore) return 'ignored';
    // a rescue that restored the host's previous state ends with the rolled_back module: its own status
    return items.some((item) => item.data?.['rolled_back'] === true) ? 'rolled_back' : 'failed';
  }
  if (registered['skipped'] === true) return 'skipped';
  return registered['changed'] === true ? 'changed' : 'ok';
}

/** Run one action task on one host and compute (but do not apply) its outcome and the TaskResult to report. */
export async function executeAction(rt: PlayRuntime, task: ActionTask, host: HostState, frame: Frame): Promise<{ outcome: ActionOutcome; result: TaskResult }> {
  const startedAt = new Date();
  const t0 = performance.now();
  let vars: Vars = {};
  let items: ItemOutcome[] = [];
  let registered: Vars;
  let loopItems: LoopItemShape[] | undefined;
  const module = rt.deps.findModule(task.module);
  try {
    vars = varsForTask(rt, task, host, frame);
  } catch (error) {
    items = [failure(`variables: ${errorMessage(error)}`)];
  }
  if (items.length > 0) {
    registered = registeredItem(items[0] as ItemOutcome);
  } else if (!module) {
    items = [failure(`unknown module '${task.module}'`)];
    registered = registeredItem(items[0] as ItemOutcome);
  } else if (task.loop === undefined) {
    items = [await runItem({ rt, task, host, frame, module }, vars)];
    registered = registeredItem(items[0] as ItemOutcome);
  } else {
    let list: unknown;
    try {
      list = renderLoopList(rt.deps.templater, task, vars, (pattern) => rt.run.inventory.select(pattern));
    } catch (error) {
      // Ansible checks `when` first when the loop itself cannot be rendered (e.g. `loop: "{{ x }}"` with `when: x is defined`)
      let skip: string | undefined;
      try { skip = falseCondition(rt, [...frame.inherited.when, ...task.when], vars); } catch { skip = undefined; }
      items = [skip !== undefined
        ? { changed: false, failed: false, skipped: true, skipReason: 'Conditional result was False', falseCondition: skip }
        : failure(`loop: ${errorMessage(error)}`)];
      list = undefined;
    }
    if (Array.isArray(list)) {
      const { loopVar, indexVar, pause } = task.loopControl;
      loopItems = [];
      // As in Ansible, facts an item sets (set_fact in a loop) are seen by the next items: the accumulate idiom
      // `x: "{{ x | default([]) + [item] }}"` depends on it. Extra vars still win.
      const loopFacts: Vars = {};
      for (const index of list.keys()) {
        if (rt.options.signal.aborted) break;
        const item = loopItem(list, index);
        if (index > 0 && pause) await sleep(rt, pause * 1000);
        const itemVars: Vars = { ...vars, ...loopFacts, ...rt.run.extraVars, [loopVar]: item, ansible_loop_var: loopVar };
        if (indexVar) Object.assign(itemVars, { [indexVar]: index, ansible_index_var: indexVar });
        const outcome = await runItem({ rt, task, host, frame, module }, itemVars);
        loopItems.push({ item, loopVar, index, indexVar, outcome });
        if (outcome.unreachable !== undefined) break;
        if (!outcome.failed && !outcome.skipped) Object.assign(loopFacts, variablesSetBy(module, outcome));
      }
      items = loopItems.map((entry) => entry.outcome);
      registered = registeredLoop(loopItems);
    } else {
      registered = registeredItem(items[0] as ItemOutcome);
    }
  }

  const status = statusOf(rt, task, frame, items, registered, vars);
  const own: FactSets = { facts: {}, gatheredFacts: {}, includedVars: {} };
  const delegatedFacts = new Map<string, FactSets>();
  for (const item of items) {
    if (item.failed || item.skipped || item.unreachable !== undefined) continue;
    // delegate_facts: the facts belong to the host the item ran for (delegate_to), as in Ansible
    const target = task.delegateFacts === true && item.delegatedTo !== undefined && item.delegatedTo !== host.name ? item.delegatedTo : undefined;
    let sets = own;
    if (target !== undefined) {
      sets = delegatedFacts.get(target) ?? { facts: {}, gatheredFacts: {}, includedVars: {} };
      delegatedFacts.set(target, sets);
    }
    Object.assign(sets.facts, (item.data?.['facts'] as Vars | undefined) ?? {});
    const returnedFacts = (item.data?.['ansible_facts'] as Vars | undefined) ?? {};
    Object.assign(module?.factsAreVariables === true ? sets.includedVars : sets.gatheredFacts, returnedFacts);
  }
  const result = buildResult(rt, task, host, vars, status, items, registered, loopItems, startedAt, performance.now() - t0, frame);
  const outcome: ActionOutcome = { status, registered, items, ...own };
  if (delegatedFacts.size > 0) outcome.delegatedFacts = delegatedFacts;
  return { outcome, result };
}

/** Where a delegated task ran, as Ansible prints it after `->`: the delegate's ansible_host, else its name. */
function delegateAddress(rt: PlayRuntime, name: string): string {
  const delegate = rt.hosts.get(name);
  const address = delegate?.inventoryVars['ansible_host'];
  if (delegate === undefined || typeof address !== 'string') return name;
  try {
    return rt.deps.templater.renderString(address, { ...delegate.inventoryVars, inventory_hostname: name });
  } catch {
    return address;
  }
}

function buildResult(
  rt: PlayRuntime, task: ActionTask, host: HostState, vars: Vars, status: ActionOutcome['status'], items: ItemOutcome[],
  registered: Vars, loopItems: LoopItemShape[] | undefined, startedAt: Date, durationMs: number, frame: Frame,
): TaskResult {
  const result: TaskResult = {
    host: host.name,
    task: taskLabel(rt, task, vars),
    action: task.module,
    status,
    changed: registered['changed'] === true,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
  };
  if (task.role) result.role = task.role.name;
  if (task.noLog || frame.inherited.noLog) result.noLog = true;
  const unreachable = items.find((item) => item.unreachable !== undefined);
  if (typeof registered['msg'] === 'string') result.msg = registered['msg'];
  if (unreachable?.unreachable !== undefined) result.msg = status === 'ignored' ? `UNREACHABLE (ignored): ${unreachable.unreachable}` : unreachable.unreachable;
  if (loopItems === undefined) {
    const only = items[0];
    if (only?.delegatedTo !== undefined) result.delegatedTo = delegateAddress(rt, only.delegatedTo);
    if (only) {
      if (only.rc !== undefined) result.rc = only.rc;
      if (only.stdout !== undefined) result.stdout = only.stdout;
      if (only.stderr !== undefined) result.stderr = only.stderr;
      if (only.diff !== undefined) result.diff = only.diff;
      if (only.data !== undefined) result.data = only.data;
      if (only.skipped && only.falseCondition) result.msg ??= `skipped: ${only.falseCondition}`;
    }
  } else {
    const label = task.loopControl.label;
    result.results = loopItems.map(({ item, loopVar, outcome }) => {
      let shown: unknown = plainData(item);
      if (label !== undefined) {
        try { shown = rt.deps.templater.render(label, { ...vars, [loopVar]: item }); } catch { shown = item; }
      }
      const itemResult: TaskResult = {
        host: host.name, task: result.task, action: task.module,
        status: outcome.unreachable !== undefined ? 'unreachable' : outcome.failed ? 'failed' : outcome.skipped ? 'skipped' : outcome.changed ? 'changed' : 'ok',
        changed: outcome.changed, item: shown, itemLabel: pythonStr(plainData(shown)), startedAt: result.startedAt, durationMs: 0,
      };
      if (outcome.delegatedTo !== undefined) itemResult.delegatedTo = delegateAddress(rt, outcome.delegatedTo);
      if (outcome.msg !== undefined) itemResult.msg = outcome.msg;
      if (outcome.rc !== undefined) itemResult.rc = outcome.rc;
      if (outcome.stdout !== undefined) itemResult.stdout = outcome.stdout;
      if (outcome.stderr !== undefined) itemResult.stderr = outcome.stderr;
      if (outcome.diff !== undefined) itemResult.diff = outcome.diff;
      if (outcome.data !== undefined) itemResult.data = outcome.data;
      if (result.noLog) itemResult.noLog = true;
      return itemResult;
    });
  }
  return result;
}
