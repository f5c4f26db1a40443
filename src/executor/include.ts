// include_tasks / include_role, resolved per host at run time: the file (or role) name may be templated and the
// include may loop. Hosts that include the same file at the same step run it together, so the linear strategy
// keeps its lockstep inside included files.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Vars } from '../inventory/types.js';
import type { IncludeRoleTask, IncludeTasksTask, Task } from '../playbook/types.js';
import type { HostState } from './host-state.js';
import { loopItem, renderLoopList } from './loop-items.js';
import type { Frame, PlayRuntime } from './runtime.js';
import { errorMessage } from './task.js';
import { taskVariables } from './variables.js';

export type RunTaskList = (rt: PlayRuntime, tasks: Task[], hosts: HostState[], frame: Frame) => Promise<Set<HostState>>;

interface Inclusion {
  key: string;
  tasks: Task[];
  params: Vars;
}

function includeFilePath(rt: PlayRuntime, task: IncludeTasksTask, file: string): string {
  if (isAbsolute(file)) return file;
  const candidates = [
    join(dirname(task.source.file), file),
    ...(task.role ? [join(task.role.path, 'tasks', file)] : []),
    join(rt.play.baseDir, file),
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? (candidates[0] as string);
}

async function cached<T>(rt: PlayRuntime, key: string, load: () => Promise<T>): Promise<T> {
  let pending = rt.includeCache.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = load();
    rt.includeCache.set(key, pending);
  }
  return pending;
}

/** What one host includes at this task: one entry per loop item (or one without a loop), or none when skipped. */
async function inclusionsFor(rt: PlayRuntime, task: IncludeTasksTask | IncludeRoleTask, host: HostState, frame: Frame): Promise<Inclusion[]> {
  const { templater } = rt.deps;
  const vars = taskVariables(rt.run, rt.scope, host, {
    role: task.role, playVars: rt.play.vars, varsFiles: rt.varsFiles.get(host.name) ?? {}, blockVars: frame.blockVars,
    taskVars: task.vars, includeParams: frame.includeParams(host.name),
  });
  const items: Array<Vars | undefined> = [];
  if (task.loop === undefined) items.push(undefined);
  else {
    const list = renderLoopList(templater, task, vars, (pattern) => rt.run.inventory.select(pattern));
    const { loopVar, indexVar } = task.loopControl;
    for (const index of list.keys()) {
      items.push({ [loopVar]: loopItem(list, index), ansible_loop_var: loopVar, ...(indexVar ? { [indexVar]: index } : {}) });
    }
  }
  const inclusions: Inclusion[] = [];
  for (const itemVars of items) {
    const scoped = { ...vars, ...(itemVars ?? {}) };
    if ([...frame.inherited.when, ...task.when].some((condition) => !templater.test(condition, scoped))) continue;
    const params: Vars = { ...task.vars, ...(itemVars ?? {}) };
    if (task.kind === 'include_tasks') {
      const path = includeFilePath(rt, task, templater.renderString(task.file, scoped));
      const tasks = await cached(rt, `tasks:${path}:${task.role?.path ?? ''}`, () => rt.deps.loader.loadTaskFile(path, task.role));
      inclusions.push({ key: path, tasks, params });
    } else {
      const name = templater.renderString(task.roleName, scoped);
      const key = `role:${name}:${task.tasksFrom ?? 'main'}`;
      const loaded = await cached(rt, key, async () => {
        const role = await rt.deps.loader.loadRoleForInclude(name, task.tasksFrom, rt.play.baseDir);
        // the role's handlers join the play's, once, so that its tasks can notify them
        for (const handler of role.handlers) if (!rt.handlers.includes(handler)) rt.handlers.push(handler);
        return role;
      });
      inclusions.push({ key, tasks: loaded.tasks, params: { ...task.roleVars, ...params } });
    }
  }
  return inclusions;
}

export async function runInclude(rt: PlayRuntime, task: IncludeTasksTask | IncludeRoleTask, hosts: HostState[], frame: Frame, runList: RunTaskList): Promise<Set<HostState>> {
  const failed = new Set<HostState>();
  const perHost = new Map<HostState, Inclusion[]>();
  await Promise.all(hosts.map(async (host) => {
    try {
      perHost.set(host, await inclusionsFor(rt, task, host, frame));
    } catch (error) {
      const what = task.kind === 'include_tasks' ? `include_tasks ${task.file}` : `include_role ${task.roleName}`;
      if (frame.inRescuableBlock) host.summary.rescued++;
      else host.summary.failed++;
      host.lastFailure = { task: what, result: { failed: true, msg: errorMessage(error) } };
      rt.deps.emit({ type: 'task_result', result: { host: host.name, task: task.name ?? what, action: task.kind, status: 'failed', changed: false, msg: errorMessage(error), startedAt: new Date().toISOString(), durationMs: 0 } });
      failed.add(host);
    }
  }));
  const steps = Math.max(0, ...[...perHost.values()].map((list) => list.length));
  for (let step = 0; step < steps; step++) {
    // hosts including the same file at this step run it together
    const groups = new Map<string, HostState[]>();
    for (const [host, list] of perHost) {
      const inclusion = list[step];
      if (!inclusion || failed.has(host) || host.status !== 'active') continue;
      groups.set(inclusion.key, [...(groups.get(inclusion.key) ?? []), host]);
    }
    for (const [, members] of groups) {
      const first = perHost.get(members[0] as HostState)?.[step] as Inclusion;
      const inner: Frame = {
        ...frame,
        isRoot: false,
        includeParams: (name) => {
          const host = rt.hosts.get(name);
          const own = host ? perHost.get(host)?.[step]?.params : undefined;
          return { ...frame.includeParams(name), ...(own ?? {}) };
        },
        // tags of a dynamic include apply to the include only (Ansible), not to the tasks it brings in
        tags: frame.tags,
      };
      for (const host of await runList(rt, first.tasks, members, inner)) failed.add(host);
    }
  }
  return failed;
}
