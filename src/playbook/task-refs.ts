// Names that tasks refer to by text and that can be checked once the playbook is loaded, before anything runs:
// `notify:` naming a handler, `--start-at-task` naming a task. The executor answers the same questions at run time
// (src/executor/handlers.ts, src/executor/block.ts); these are the load-time answers, kept to the same rules.
import type { Handler, Play, Task } from './types.js';
import { isTemplated } from '../template/index.js';

/** What a handler answers to: its `listen` topics, its name, and `role : name` for a role's handler. */
export function handlerNames(handler: Handler): string[] {
  const names = [...handler.listen];
  if (handler.name !== undefined) {
    names.push(handler.name);
    if (handler.role) names.push(`${handler.role.name} : ${handler.name}`);
  }
  return names;
}

/** `--start-at-task`: the exact name, or an fnmatch-style pattern (`*`, `?`), as Ansible accepts. */
export function matchesStartAt(pattern: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  if (name === pattern) return true;
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(name);
}

/** Every task of a list, blocks' block/rescue/always included, depth first. */
export function* allTasks(tasks: readonly Task[]): Generator<Task> {
  for (const task of tasks) {
    yield task;
    if (task.kind === 'block') {
      yield* allTasks(task.block);
      yield* allTasks(task.rescue);
      yield* allTasks(task.always);
    }
  }
}

export function playTasks(play: Play): Task[] {
  return [...allTasks([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.batchGate, ...play.handlers])];
}

/** Dynamic includes add tasks (and, with include_role, handlers) only at run time: what they bring cannot be checked now. */
export function hasDynamicIncludes(tasks: readonly Task[]): boolean {
  return tasks.some((task) => task.kind === 'include_tasks' || task.kind === 'include_role');
}

/** The first `notify:` of a play that names no handler of the play, with its task; templated names are left to run time. */
export function missingHandler(play: Play): { name: string; task: Task } | undefined {
  const tasks = playTasks(play);
  if (tasks.some((task) => task.kind === 'include_role')) return undefined;
  const known = new Set(play.handlers.flatMap(handlerNames));
  for (const task of tasks) {
    if (task.kind !== 'action') continue;
    const name = task.notify.find((entry) => !isTemplated(entry) && !known.has(entry));
    if (name !== undefined) return { name, task };
  }
  return undefined;
}
