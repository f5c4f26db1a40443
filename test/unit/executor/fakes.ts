// In-memory stand-ins for the executor's ports: an inventory, modules that record what they were asked to do,
// connections that never leave the process (or throw UnreachableError for chosen hosts), and task builders.
import { UnreachableError } from '../../../src/connection/errors.js';
import type { Connection, ExecResult } from '../../../src/connection/types.js';
import type { ExecutorDeps, ExecutorOptions, TaskLoader } from '../../../src/executor/deps.js';
import { runPlaybooks, type RunOutcome } from '../../../src/executor/run.js';
import type { Inventory, InventoryGroup, InventoryHost, Vars } from '../../../src/inventory/types.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from '../../../src/modules/lib/types.js';
import { executorModules } from '../../../src/modules/lib/executor-modules.js';
import { setFactModule } from '../../../src/modules/set_fact.js';
import type { ActionTask, BlockTask, Handler, Play, Task, TaskCommon } from '../../../src/playbook/types.js';
import { createTemplater, OMIT } from '../../../src/template/index.js';
import type { RunEvent } from '../../../src/types/events.js';
import type { TaskResult } from '../../../src/types/result.js';

export function fakeInventory(groups: Record<string, string[]>, hostVars: Record<string, Vars> = {}): Inventory {
  const order: string[] = [];
  for (const members of Object.values(groups)) for (const host of members) if (!order.includes(host)) order.push(host);
  const hosts = new Map<string, InventoryHost>(order.map((name) => [name, {
    name,
    vars: hostVars[name] ?? {},
    groups: ['all', ...Object.entries(groups).filter(([, members]) => members.includes(name)).map(([group]) => group)],
  }]));
  const groupMap = new Map<string, InventoryGroup>(Object.entries(groups).map(([name, members]) => [name, { name, hosts: members, children: [], vars: {} }]));
  const groupHosts = (group: string): string[] => (group === 'all' ? order : order.filter((host) => groups[group]?.includes(host)));
  return {
    hosts,
    groups: groupMap,
    groupHosts,
    // enough of Ansible's patterns for these tests: all, names, groups, unions with ':' or ','
    select: (pattern) => {
      const wanted = new Set(pattern.split(/[:,]/).flatMap((part) => (hosts.has(part) ? [part] : groupHosts(part))));
      return order.filter((host) => wanted.has(host));
    },
  };
}

export interface ModuleCall {
  module: string;
  host: string;
  args: Record<string, unknown>;
  check: boolean;
  become: { user: string } | undefined;
  env: Record<string, string>;
  connHost: string;
}

/** Every fake module records its calls here, in the order they started. */
export class Recorder {
  readonly calls: ModuleCall[] = [];
  readonly events: RunEvent[] = [];
  /** every wait the executor asked for (retries' delay, batch pauses), in ms */
  readonly sleeps: number[] = [];
  /** per test: what `command` does, from its args and host */
  commandBehaviour: (args: Record<string, unknown>, host: string, attempt: number) => ModuleResult = (args) => ({ changed: true, rc: 0, stdout: String(args['cmd'] ?? ''), stderr: '' });
  /** more facts `setup` reports, as a host would (e.g. hostile text) */
  extraFacts: Record<string, unknown> = {};
  /** how long `command` takes (ms), to expose ordering between hosts */
  commandDelay: (host: string) => number = () => 0;
  private readonly attempts = new Map<string, number>();

  results(): TaskResult[] {
    return this.events.flatMap((event) => (event.type === 'task_result' ? [event.result] : []));
  }

  resultsFor(task: string): TaskResult[] {
    return this.results().filter((result) => result.task === task);
  }

  callsOf(module: string): ModuleCall[] {
    return this.calls.filter((call) => call.module === module);
  }

  nextAttempt(key: string): number {
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    return attempt;
  }
}

function record(recorder: Recorder, module: string, args: Record<string, unknown>, ctx: ModuleContext): void {
  recorder.calls.push({ module, host: ctx.host, args, check: ctx.check, become: ctx.become, env: ctx.env, connHost: ctx.conn.host });
}

export function fakeModules(recorder: Recorder): Map<string, ModuleDefinition> {
  const definitions: ModuleDefinition[] = [
    {
      name: 'command',
      freeFormArg: 'cmd',
      argsSchema: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
      run: async (args, ctx) => {
        record(recorder, 'command', args, ctx);
        const delay = recorder.commandDelay(ctx.host);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        await ctx.conn.exec(String(args['cmd']));
        const attempt = recorder.nextAttempt(`${ctx.host}:${String(args['cmd'])}`);
        if (ctx.check) return { changed: false, skipped: true, msg: 'skipped in check mode' };
        const result = recorder.commandBehaviour(args, ctx.host, attempt);
        return { ...result, failed: result.failed ?? (result.rc !== undefined && result.rc !== 0) };
      },
    },
    {
      // reports which connection ctx.reconnect() hands back, and whether it is the task's own
      name: 'reconnect_probe',
      argsSchema: { type: 'object' },
      run: async (_args, ctx) => {
        const again = await ctx.reconnect();
        return { changed: false, msg: `${again.host} same=${String(again === ctx.conn)}` };
      },
    },
    {
      // the real set_fact (it runs on the controller only), recorded
      ...setFactModule,
      run: async (args, ctx) => {
        record(recorder, 'set_fact', args, ctx);
        return setFactModule.run(args, ctx);
      },
    },
    {
      name: 'debug',
      controllerOnly: true,
      argsSchema: { type: 'object', properties: { msg: {}, var: { type: 'string' } }, additionalProperties: false },
      run: async (args, ctx) => {
        record(recorder, 'debug', args, ctx);
        return { changed: false, msg: typeof args['msg'] === 'string' ? args['msg'] : JSON.stringify(args['msg'] ?? ctx.vars[String(args['var'])]) };
      },
    },
    {
      name: 'fail',
      controllerOnly: true,
      argsSchema: { type: 'object', properties: { msg: { type: 'string' } }, additionalProperties: false },
      run: async (args, ctx) => {
        record(recorder, 'fail', args, ctx);
        return { changed: false, failed: true, msg: String(args['msg'] ?? 'Failed as requested from task') };
      },
    },
    {
      name: 'setup',
      argsSchema: { type: 'object' },
      run: async (args, ctx) => {
        record(recorder, 'setup', args, ctx);
        return { changed: false, data: { ansible_facts: { ansible_hostname: `${ctx.host}-facts`, ansible_distribution: 'Debian', ...recorder.extraFacts } } };
      },
    },
    {
      name: 'meta',
      controllerOnly: true,
      freeFormArg: '_raw_params',
      argsSchema: { type: 'object' },
      run: async (args) => ({ changed: false, data: { meta: args['_raw_params'] } }),
    },
    // the real add_host and group_by: they only describe a change, which the executor applies
    ...executorModules,
  ];
  return new Map(definitions.map((definition) => [definition.name, definition]));
}

function fakeConnection(host: string, recorder: Recorder): Connection {
  return {
    host,
    user: 'root',
    exec: async (): Promise<ExecResult> => ({ rc: 0, stdout: '', stderr: '', durationMs: 0 }),
    putFile: async () => undefined,
    execWithFile: async (): Promise<ExecResult> => ({ rc: 0, stdout: '', stderr: '', durationMs: 0 }),
    putContent: async () => undefined,
    getFile: async () => undefined,
    stat: async () => undefined,
    lstat: async () => undefined,
    readSmallFile: async () => Buffer.alloc(0),
    installFile: async () => undefined,
    close: async () => {
      recorder.events.push({ type: 'message', level: 'info', text: `closed ${host}`, at: '' });
    },
  };
}

const SOURCE = { file: '/fake/playbook.yml', line: 1, column: 1 };

function common(overrides: Partial<TaskCommon>): TaskCommon {
  return {
    name: undefined, when: [], tags: [], vars: {}, become: undefined, becomeUser: undefined, ignoreErrors: false,
    ignoreUnreachable: false, noLog: false, checkMode: undefined, delegateTo: undefined, runOnce: false, throttle: undefined,
    environment: {}, loop: undefined, loopLookup: undefined, loopControl: { loopVar: 'item', indexVar: undefined, label: undefined, pause: undefined },
    role: undefined, source: SOURCE, ...overrides,
  };
}

export function action(module: string, args: Record<string, unknown>, overrides: Partial<ActionTask> = {}): ActionTask {
  return {
    ...common(overrides), kind: 'action', module, args, register: undefined, notify: [], failedWhen: undefined, changedWhen: undefined,
    until: undefined, retries: undefined, delay: undefined, ...overrides,
  };
}

export function cmd(name: string, command: string, overrides: Partial<ActionTask> = {}): ActionTask {
  return action('command', { cmd: command }, { name, ...overrides });
}

export function block(parts: { block: Task[]; rescue?: Task[]; always?: Task[] }, overrides: Partial<BlockTask> = {}): BlockTask {
  return { ...common(overrides), kind: 'block', block: parts.block, rescue: parts.rescue ?? [], always: parts.always ?? [], ...overrides };
}

export function handler(name: string, command: string, listen: string[] = []): Handler {
  return { ...cmd(name, command), listen };
}

export function play(overrides: Partial<Play>): Play {
  return {
    name: 'test play', hosts: 'all', vars: {}, varsFiles: [], gatherFacts: false, become: false, becomeUser: undefined, checkMode: undefined,
    strategy: 'linear', serial: undefined, maxFailPercentage: undefined, anyErrorsFatal: false, order: 'inventory',
    canaryGroup: 'canary', batchPause: undefined, batchGate: [], forceHandlers: false, environment: {}, tags: [],
    preTasks: [], tasks: [], postTasks: [], handlers: [], baseDir: '/fake', source: SOURCE, ...overrides,
  };
}

export interface FakeRun {
  recorder: Recorder;
  outcome: RunOutcome;
}

export interface FakeRunOptions extends Partial<ExecutorOptions> {
  inventory?: Inventory;
  unreachable?: string[];
  recorder?: Recorder;
  loader?: Partial<TaskLoader>;
}

export async function runFake(plays: Play[], options: FakeRunOptions = {}): Promise<FakeRun> {
  const recorder = options.recorder ?? new Recorder();
  const modules = fakeModules(recorder);
  const unreachable = new Set(options.unreachable ?? []);
  const connections = new Map<string, Connection>();
  const deps: ExecutorDeps = {
    templater: createTemplater(),
    omit: OMIT,
    findModule: (name) => modules.get(name),
    loader: {
      loadTaskFile: options.loader?.loadTaskFile ?? (async (path) => { throw new Error(`no such file ${path}`); }),
      loadRoleForInclude: options.loader?.loadRoleForInclude ?? (async (name) => { throw new Error(`no role ${name}`); }),
      loadVarsFile: options.loader?.loadVarsFile ?? (async (path) => { throw new Error(`no vars file ${path}`); }),
    },
    connections: {
      get: async (host) => {
        if (unreachable.has(host)) throw new UnreachableError(host, `ssh: connect to host ${host} port 22: Connection refused`);
        let conn = connections.get(host);
        if (!conn) {
          conn = fakeConnection(host, recorder);
          connections.set(host, conn);
        }
        return conn;
      },
      local: () => fakeConnection('localhost', recorder),
      closeAll: async () => {
        await Promise.all([...connections.values()].map((conn) => conn.close()));
      },
    },
    emit: (event) => recorder.events.push(event),
    sleep: async (ms) => {
      recorder.sleeps.push(ms);
    },
  };
  const inventory = options.inventory ?? fakeInventory({ web: ['h1', 'h2', 'h3'] });
  const outcome = await runPlaybooks([{ path: '/fake/playbook.yml', plays }], inventory, deps, {
    runId: 'test', check: false, diff: false, forks: 50, tags: [], skipTags: [], startAtTask: undefined, forceHandlers: false,
    extraVars: {}, limit: undefined, canary: undefined, verbosity: 0, signal: new AbortController().signal, ...options,
  });
  return { recorder, outcome };
}
