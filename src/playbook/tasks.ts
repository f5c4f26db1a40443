// Raw YAML task -> Task: keywords checked and converted, the one action found (module, block, include or import),
// module arguments validated when they are not templated. Static imports are expanded here, with their
// when/tags/vars applied to every imported task; dynamic includes stay as IncludeTasksTask/IncludeRoleTask.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Vars } from '../inventory/types.js';
import type { ModuleDefinition } from '../modules/lib/types.js';
import type { ActionTask, BlockTask, Handler, RoleContext, Task, TaskCommon } from './types.js';
import { actionKeywordSchemas, blockKeywordSchemas, LOOP_KEYWORDS, taskKeywordSchemas, validateModuleArgs, validateSchema } from './schema.js';
import { closest } from './suggest.js';
import { isTemplated } from '../template/index.js';
import { splitKeyValueArgs, toConditions, toEnvironment, toOptionalInt, toOptionalNumberOrTemplate, toStringList, toTagList } from './task-values.js';
import type { YamlPath, YamlSource } from '../parsing/yaml-source.js';

/** What enclosing imports, roles, blocks and the play pass down to each task. */
export interface Inherited {
  tags: string[];
  /** conditions of static imports/roles, prepended to each task's own */
  when: string[];
  vars: Vars;
}

export const NOTHING_INHERITED: Inherited = { tags: [], when: [], vars: {} };

/** Services the task normaliser needs from the loader (file loading, role search, module registry). */
export interface TaskLoaderSession {
  findModule(name: string): ModuleDefinition | undefined;
  moduleNames(): string[];
  /** the message for a well-known Ansible module airlock does not have, or undefined */
  describeUnsupported(name: string): string | undefined;
  importTaskFile(path: string, role: RoleContext | undefined, inherited: Inherited, from: { source: YamlSource; at: YamlPath }): Promise<Task[]>;
  importRole(name: string, tasksFrom: string | undefined, roleVars: Vars, inherited: Inherited, from: { source: YamlSource; at: YamlPath; dir: string }): Promise<Task[]>;
}

export interface TaskPlace {
  source: YamlSource;
  /** directory relative include/import paths resolve against */
  dir: string;
  role: RoleContext | undefined;
  inherited: Inherited;
  session: TaskLoaderSession;
}

const COMMON_KEYWORDS = new Set(Object.keys(taskKeywordSchemas));
const ACTION_KEYWORDS = new Set(Object.keys(actionKeywordSchemas));
const BLOCK_KEYWORDS = new Set(Object.keys(blockKeywordSchemas));
const INCLUDE_ACTIONS = new Set(['include_tasks', 'import_tasks', 'include_role', 'import_role', 'include', 'import_playbook']);

function canonicalAction(name: string): string {
  return name.replace(/^(ansible\.builtin|ansible\.legacy|airlock)\./, '');
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeTask(raw: Record<string, unknown>, index: number): string {
  return typeof raw.name === 'string' ? raw.name : `#${index + 1}`;
}

export async function normalizeTaskList(raw: unknown, at: YamlPath, place: TaskPlace): Promise<Task[]> {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw place.source.error(at, 'expected a list of tasks');
  const tasks: Task[] = [];
  for (let i = 0; i < raw.length; i += 1) tasks.push(...(await normalizeTask(raw[i], [...at, i], place, i)));
  return tasks;
}

export async function normalizeHandlerList(raw: unknown, at: YamlPath, place: TaskPlace): Promise<Handler[]> {
  const tasks = await normalizeTaskList(raw, at, place);
  return tasks.map((task) => {
    if (task.kind !== 'action') {
      const where = task.source;
      throw place.source.error(at, `handlers must be module tasks; '${task.name ?? task.kind}' at ${where.file}:${where.line ?? '?'} is a ${task.kind}`);
    }
    return task as Handler;
  });
}

async function normalizeTask(raw: unknown, at: YamlPath, place: TaskPlace, index: number): Promise<Task[]> {
  const { source } = place;
  if (!isMapping(raw)) throw source.error(at, `a task must be a mapping of keywords, got ${raw === null ? 'an empty entry' : typeof raw}`);
  validateSchema('taskKeywords', raw, source, at, 'task');
  const taskName = describeTask(raw, index);

  const actionKeys = Object.keys(raw).filter((key) => !COMMON_KEYWORDS.has(key) && !ACTION_KEYWORDS.has(key) && !BLOCK_KEYWORDS.has(key));
  const isBlock = 'block' in raw;
  if (isBlock) {
    const misplaced = [...actionKeys, ...Object.keys(raw).filter((k) => ACTION_KEYWORDS.has(k))];
    if (misplaced[0] !== undefined) throw source.error([...at, misplaced[0]], `'${misplaced[0]}' is not valid on a block ('${taskName}')`, true);
    return [await normalizeBlock(raw, at, place)];
  }
  for (const key of ['rescue', 'always']) if (key in raw) throw source.error([...at, key], `'${key}' is only valid next to 'block' (task '${taskName}')`, true);

  const explicit = ['action', 'local_action'].filter((key) => key in raw);
  const candidates = [...explicit, ...actionKeys];
  if (candidates.length === 0) {
    throw source.error(at, `no action in task '${taskName}': a task needs exactly one module (or block, include_tasks, import_tasks, include_role, import_role)`);
  }
  const modules = actionKeys.filter((key) => INCLUDE_ACTIONS.has(canonicalAction(key)) || place.session.findModule(key) !== undefined);
  const unknown = actionKeys.filter((key) => !modules.includes(key));
  if (unknown[0] !== undefined) {
    const key = unknown[0];
    const unsupported = place.session.describeUnsupported(key);
    if (unsupported !== undefined) throw source.error([...at, key], `${unsupported} (task '${taskName}')`, true);
    const known = [...place.session.moduleNames(), ...COMMON_KEYWORDS, ...ACTION_KEYWORDS, ...INCLUDE_ACTIONS];
    const suggestion = closest(key, known);
    const hint = suggestion === undefined ? '' : `, did you mean '${suggestion}'?`;
    const keywordTypo = suggestion !== undefined && (COMMON_KEYWORDS.has(suggestion) || ACTION_KEYWORDS.has(suggestion));
    throw source.error([...at, key], `unknown ${keywordTypo ? 'keyword or module' : 'module'} '${key}' in task '${taskName}'${hint}`, true);
  }
  if (candidates.length > 1) {
    throw source.error([...at, candidates[1] ?? ''], `conflicting actions in task '${taskName}': ${candidates.map((c) => `'${c}'`).join(' and ')} (a task runs exactly one)`, true);
  }
  const actionKey = candidates[0] as string;
  const common = commonFields(raw, at, place);

  let moduleName: string;
  let moduleValue: unknown;
  if (actionKey === 'action' || actionKey === 'local_action') {
    ({ moduleName, moduleValue } = splitActionKeyword(raw[actionKey], [...at, actionKey], source, taskName));
    if (actionKey === 'local_action') common.delegateTo = 'localhost';
  } else {
    moduleName = actionKey;
    moduleValue = raw[actionKey];
  }
  const canonical = canonicalAction(moduleName);
  if (INCLUDE_ACTIONS.has(canonical)) return normalizeInclude(canonical, moduleValue, raw, at, actionKey, common, place);

  const module = place.session.findModule(moduleName);
  if (module === undefined) {
    const unsupported = place.session.describeUnsupported(moduleName);
    if (unsupported !== undefined) throw source.error([...at, actionKey], `${unsupported} (task '${taskName}')`, true);
    throw source.error([...at, actionKey], `unknown module '${moduleName}' in task '${taskName}'${suggestModule(moduleName, place.session)}`, true);
  }
  const args = moduleArgs(module, moduleValue, raw.args, source, [...at, actionKey], taskName);
  validateModuleArgs(module, args, source, [...at, actionKey], taskName);

  const task: ActionTask = {
    ...common,
    kind: 'action',
    module: module.name,
    args,
    register: typeof raw.register === 'string' ? raw.register : undefined,
    notify: toStringList(raw.notify),
    failedWhen: raw.failed_when === undefined ? undefined : toConditions(raw.failed_when),
    changedWhen: raw.changed_when === undefined ? undefined : toConditions(raw.changed_when),
    until: raw.until === undefined ? undefined : toConditions(raw.until)[0],
    retries: toOptionalNumberOrTemplate(raw.retries, source, [...at, 'retries'], 'retries'),
    delay: toOptionalNumberOrTemplate(raw.delay, source, [...at, 'delay'], 'delay'),
  };
  if (raw.delegate_facts === true) task.delegateFacts = true;
  const asyncSeconds = toOptionalNumberOrTemplate(raw.async, source, [...at, 'async'], 'async');
  if (asyncSeconds !== undefined) task.async = asyncSeconds;
  const poll = toOptionalNumberOrTemplate(raw.poll, source, [...at, 'poll'], 'poll');
  if (poll !== undefined) task.poll = poll;
  if ('listen' in raw) (task as Handler).listen = toStringList(raw.listen);
  else (task as Handler).listen = [];
  return [task];
}

function suggestModule(name: string, session: TaskLoaderSession): string {
  const suggestion = closest(canonicalAction(name), session.moduleNames());
  return suggestion === undefined ? '' : `, did you mean '${suggestion}'?`;
}

function splitActionKeyword(value: unknown, at: YamlPath, source: YamlSource, taskName: string): { moduleName: string; moduleValue: unknown } {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    const space = trimmed.search(/\s/);
    return space < 0 ? { moduleName: trimmed, moduleValue: null } : { moduleName: trimmed.slice(0, space), moduleValue: trimmed.slice(space + 1).trim() };
  }
  if (isMapping(value) && typeof value.module === 'string') {
    const { module, ...rest } = value;
    return { moduleName: module, moduleValue: rest };
  }
  throw source.error(at, `'action' in task '${taskName}' must be "module args" or a mapping with 'module:'`);
}

/** Free-form string, k=v string, mapping or nothing, merged with `args:` (inline arguments win). */
function moduleArgs(module: ModuleDefinition, value: unknown, extra: unknown, source: YamlSource, at: YamlPath, taskName: string): Record<string, unknown> {
  const base: Record<string, unknown> = isMapping(extra) ? { ...extra } : {};
  if (value === null || value === undefined) return base;
  if (isMapping(value)) return { ...base, ...value };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const text = String(value);
    if (module.freeFormArg !== undefined) return { ...base, ...splitFreeForm(text, module) };
    const { pairs, rest } = splitKeyValueArgs(text);
    if (rest.trim() !== '') {
      throw source.error(at, `module '${module.name}' in task '${taskName}' takes key=value arguments or a mapping, not free-form text '${rest.trim()}'`);
    }
    return { ...base, ...pairs };
  }
  throw source.error(at, `arguments of module '${module.name}' in task '${taskName}' must be a mapping or a string`);
}

/** `command: chdir=/srv make all creates=/srv/out`: known k=v options out, the rest is the free-form argument. */
function splitFreeForm(text: string, module: ModuleDefinition): Record<string, unknown> {
  const freeFormArg = module.freeFormArg as string;
  const properties = Object.keys((module.argsSchema.properties as Record<string, unknown> | undefined) ?? {}).filter((k) => k !== freeFormArg);
  const args: Record<string, unknown> = {};
  let rest = text;
  for (const key of properties) {
    const pattern = new RegExp(`(^|\\s)${key}=("[^"]*"|'[^']*'|\\S+)(?=\\s|$)`);
    const match = pattern.exec(rest);
    if (match?.[2] !== undefined) {
      args[key] = match[2].replace(/^(["'])([\s\S]*)\1$/, '$2');
      rest = (rest.slice(0, match.index) + rest.slice(match.index + match[0].length)).trim();
    }
  }
  args[freeFormArg] = rest.trim();
  return args;
}

function commonFields(raw: Record<string, unknown>, at: YamlPath, place: TaskPlace): TaskCommon {
  const { source, inherited } = place;
  const loops = LOOP_KEYWORDS.filter((k) => k in raw);
  // with_<lookup> keeps its terms raw: they are templated per host, then the lookup makes the list (Ansible's order)
  const lookupKey = loops.find((k) => k.startsWith('with_') && k !== 'with_items' && k !== 'with_list');
  const loopRaw = lookupKey !== undefined ? raw[lookupKey]
    : raw.loop ?? raw.with_list ?? (raw.with_items === undefined ? undefined : flattenOnce(raw.with_items));
  if (loops.length > 1) throw source.error([...at, loops[1] ?? ''], `only one of ${loops.join(', ')} may be used in a task`, true);
  if (typeof raw.loop === 'string' && !isTemplated(raw.loop)) {
    throw source.error([...at, 'loop'], `'loop' needs a list or a template that renders to one, got the plain string '${raw.loop}' (Ansible fails on it at run time)`);
  }
  const control = isMapping(raw.loop_control) ? raw.loop_control : {};
  return {
    name: typeof raw.name === 'string' ? raw.name : undefined,
    when: [...inherited.when, ...toConditions(raw.when)],
    tags: unique([...inherited.tags, ...toTagList(raw.tags)]),
    vars: { ...inherited.vars, ...(isMapping(raw.vars) ? raw.vars : {}) },
    become: typeof raw.become === 'boolean' ? raw.become : undefined,
    becomeUser: typeof raw.become_user === 'string' ? raw.become_user : undefined,
    ignoreErrors: typeof raw.ignore_errors === 'boolean' || typeof raw.ignore_errors === 'string' ? raw.ignore_errors : false,
    ignoreUnreachable: raw.ignore_unreachable === true,
    noLog: raw.no_log === true,
    checkMode: typeof raw.check_mode === 'boolean' ? raw.check_mode : undefined,
    delegateTo: typeof raw.delegate_to === 'string' ? raw.delegate_to : undefined,
    runOnce: raw.run_once === true,
    throttle: typeof raw.throttle === 'number' ? raw.throttle : undefined,
    environment: toEnvironment(raw.environment, source, [...at, 'environment']),
    loop: loopRaw,
    loopLookup: lookupKey?.slice('with_'.length),
    loopControl: {
      loopVar: typeof control.loop_var === 'string' ? control.loop_var : 'item',
      indexVar: typeof control.index_var === 'string' ? control.index_var : undefined,
      label: typeof control.label === 'string' ? control.label : undefined,
      pause: toOptionalInt(control.pause, source, [...at, 'loop_control', 'pause'], 'loop_control.pause'),
    },
    role: place.role,
    source: source.locate(at),
  };
}

/** `with_items` flattens one level (a list of lists loops over the inner items), unlike `loop`. */
function flattenOnce(value: unknown): unknown {
  if (Array.isArray(value)) return value.flatMap((item) => (Array.isArray(item) ? item : [item]));
  if (typeof value === 'string') {
    const single = /^\{\{([\s\S]*)\}\}$/.exec(value.trim());
    if (single?.[1] !== undefined && !single[1].includes('{{')) return `{{ (${single[1].trim()}) | flatten(levels=1) }}`;
  }
  return value;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

async function normalizeBlock(raw: Record<string, unknown>, at: YamlPath, place: TaskPlace): Promise<BlockTask> {
  const common = commonFields(raw, at, place);
  // Children inherit the block's tags (Ansible tag inheritance); the block's `when` is evaluated once by the executor.
  const childPlace: TaskPlace = { ...place, inherited: { tags: common.tags, when: [], vars: {} } };
  return {
    ...common,
    kind: 'block',
    block: await normalizeTaskList(raw.block, [...at, 'block'], childPlace),
    rescue: await normalizeTaskList(raw.rescue, [...at, 'rescue'], childPlace),
    always: await normalizeTaskList(raw.always, [...at, 'always'], childPlace),
  };
}

function resolveTaskPath(file: string, dir: string): string {
  return isTemplated(file) || isAbsolute(file) ? file : resolve(dir, file);
}

async function normalizeInclude(
  action: string,
  value: unknown,
  raw: Record<string, unknown>,
  at: YamlPath,
  actionKey: string,
  common: TaskCommon,
  place: TaskPlace,
): Promise<Task[]> {
  const { source } = place;
  const valueAt = [...at, actionKey];
  const params = isMapping(value) ? value : {};
  const taskName = common.name ?? action;
  if (action === 'import_playbook') throw source.error(valueAt, `'import_playbook' is only valid at the top level of a playbook, not in task '${taskName}'`, true);
  if (action === 'include_tasks' || action === 'import_tasks' || action === 'include') {
    const file = typeof value === 'string' ? value : typeof params.file === 'string' ? params.file : undefined;
    if (file === undefined || file.trim() === '') throw source.error(valueAt, `'${action}' in task '${taskName}' needs a file name`);
    if (action === 'import_tasks') {
      if (isTemplated(file)) throw source.error(valueAt, `'import_tasks' is static: its file name cannot be templated ('${file}'); use include_tasks`);
      for (const key of LOOP_KEYWORDS) {
        if (key in raw) throw source.error([...at, key], `'import_tasks' cannot loop; use include_tasks`, true);
      }
      const inherited: Inherited = { tags: common.tags, when: common.when, vars: common.vars };
      return place.session.importTaskFile(resolveTaskPath(file, place.dir), place.role, inherited, { source, at: valueAt });
    }
    return [{ ...common, kind: 'include_tasks', file: resolveTaskPath(file, place.dir) }];
  }
  // include_role / import_role
  const roleName = typeof params.name === 'string' ? params.name : typeof value === 'string' ? value : undefined;
  if (roleName === undefined) throw source.error(valueAt, `'${action}' in task '${taskName}' needs 'name:' (the role)`);
  const tasksFrom = typeof params.tasks_from === 'string' ? params.tasks_from : undefined;
  const roleVars: Vars = isMapping(params.vars) ? { ...params.vars } : {};
  if (action === 'import_role') {
    if (isTemplated(roleName)) throw source.error(valueAt, `'import_role' is static: the role name cannot be templated; use include_role`);
    const inherited: Inherited = { tags: common.tags, when: common.when, vars: common.vars };
    return place.session.importRole(roleName, tasksFrom, roleVars, inherited, { source, at: valueAt, dir: place.dir });
  }
  return [{ ...common, kind: 'include_role', roleName, tasksFrom, roleVars }];
}

export function taskFileDir(path: string): string {
  return dirname(path);
}
