// Loading a playbook: every file parsed and validated, roles found and expanded (meta dependencies first, once per
// identical parameters), static imports expanded, dynamic includes kept for run time. Nothing is templated here.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Vars } from '../inventory/types.js';
import type { ModuleDefinition } from '../modules/lib/types.js';
import { InputError } from '../util/errors.js';
import type { Handler, Play, Playbook, RoleContext, SerialSpec, Task } from './types.js';
import { validateSchema } from './schema.js';
import { findRoleDir, readRole, roleSearchDirs } from './roles.js';
import { NOTHING_INHERITED, normalizeHandlerList, normalizeTaskList, type Inherited, type TaskLoaderSession, type TaskPlace } from './tasks.js';
import { isTemplated } from '../template/index.js';
import { missingHandler } from './task-refs.js';
import { toConditions, toEnvironment, toTagList } from './task-values.js';
import { parseYamlSource, readYamlSource, type YamlPath, type YamlSource } from '../parsing/yaml-source.js';

export interface LoadOptions {
  /** extra role directories, searched after <playbook dir>/roles and <cwd>/roles */
  rolesPath?: string[];
  /** directory of the playbook, for role search when loading a task file on its own */
  playbookDir?: string;
  /** module lookup: the registry, injected by the composition root (src/executor/wiring.ts); tests inject their own */
  findModule: (name: string) => ModuleDefinition | undefined;
  moduleNames: () => string[];
  /** "ansible.builtin.apt is not supported by airlock" for a well-known Ansible module airlock lacks */
  describeUnsupported?: (name: string) => string | undefined;
  /** ansible.cfg's become / become_user: what a play that sets neither uses */
  playDefaults?: { become?: boolean; becomeUser?: string };
}

const ROLE_ENTRY_KEYWORDS = new Set(['role', 'name', 'vars', 'tags', 'when', 'become', 'become_user', 'environment']);

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One loading pass: role de-duplication and handler collection are per play; import cycles are per chain. */
class LoadSession implements TaskLoaderSession {
  handlers: Handler[] = [];
  private readonly rolesSeen = new Set<string>();
  /** defaults and vars each expanded role passes on to the roles that depend on it */
  private readonly roleExports = new Map<string, { defaults: Vars; vars: Vars }>();
  /** identity of the role expandRole() finished last: how a caller finds its dependency's exports */
  private lastExpandedIdentity: string | undefined;
  /** a role that runs twice (different params) still has one set of handlers */
  private readonly roleHandlersLoaded = new Set<string>();
  private readonly importChain: string[] = [];
  readonly searchDirs: string[];

  constructor(
    private readonly options: LoadOptions,
    readonly playbookDir: string | undefined,
  ) {
    this.searchDirs = roleSearchDirs(playbookDir, options.rolesPath);
  }

  findModule(name: string): ModuleDefinition | undefined {
    return this.options.findModule(name);
  }

  moduleNames(): string[] {
    return this.options.moduleNames();
  }

  describeUnsupported(name: string): string | undefined {
    return this.options.describeUnsupported?.(name);
  }

  get playDefaults(): { become?: boolean; becomeUser?: string } {
    return this.options.playDefaults ?? {};
  }

  startPlay(): void {
    this.handlers = [];
    this.rolesSeen.clear();
    this.roleHandlersLoaded.clear();
  }

  async importTaskFile(path: string, role: RoleContext | undefined, inherited: Inherited, from: { source: YamlSource; at: YamlPath }): Promise<Task[]> {
    if (this.importChain.includes(path)) {
      throw from.source.error(from.at, `import loop: ${[...this.importChain, path].join(' -> ')}`);
    }
    this.importChain.push(path);
    try {
      const source = await readYamlSource(path);
      return await normalizeTaskList(source.data, [], { source, dir: dirname(path), role, inherited, session: this });
    } catch (error) {
      if (error instanceof InputError && error.location?.file === path && error.location.line === undefined) {
        throw from.source.error(from.at, `cannot import tasks from '${path}': file not found or unreadable`);
      }
      throw error;
    } finally {
      this.importChain.pop();
    }
  }

  async importRole(name: string, tasksFrom: string | undefined, roleVars: Vars, inherited: Inherited, from: { source: YamlSource; at: YamlPath; dir: string }): Promise<Task[]> {
    return this.expandRole(name, tasksFrom, roleVars, inherited, from.source, from.at, from.dir, false);
  }

  /** A role's tasks, preceded by its meta dependencies' tasks; its handlers go to the play's handlers. */
  async expandRole(
    name: string,
    tasksFrom: string | undefined,
    params: Vars,
    inherited: Inherited,
    source: YamlSource,
    at: YamlPath,
    relativeTo: string,
    deduplicate: boolean,
  ): Promise<Task[]> {
    const where = source.locate(at);
    const dir = await findRoleDir(name, this.searchDirs, where, relativeTo);
    const onDisk = await readRole(dir, name.split('/').pop() ?? name, tasksFrom, where);
    const identity = `${dir}\0${tasksFrom ?? 'main'}\0${JSON.stringify(params)}`;
    if (this.importChain.includes(identity)) throw source.error(at, `role dependency loop: role '${name}' depends on itself`);
    this.lastExpandedIdentity = identity;
    if (deduplicate && this.rolesSeen.has(identity) && !onDisk.allowDuplicates) return [];
    this.rolesSeen.add(identity);
    this.importChain.push(identity);
    try {
      const tasks: Task[] = [];
      // As in Ansible (private role vars off), a role sees the defaults and vars of the roles it depends on,
      // beneath its own: a dependency that only holds shared defaults is a common pattern.
      const inheritedDefaults: Vars = {};
      const inheritedVars: Vars = {};
      const meta = onDisk.metaSource;
      for (let i = 0; i < onDisk.dependencies.length; i += 1) {
        const dependency = onDisk.dependencies[i];
        if (meta === undefined) break;
        const entry = parseRoleEntry(dependency, meta, ['dependencies', i]);
        const depInherited: Inherited = { tags: [...inherited.tags, ...entry.tags], when: [...inherited.when, ...entry.when], vars: {} };
        tasks.push(...(await this.expandRole(entry.name, undefined, entry.params, depInherited, meta, ['dependencies', i], dir, true)));
        const exported = this.roleExports.get(this.lastExpandedIdentity ?? '');
        Object.assign(inheritedDefaults, exported?.defaults);
        Object.assign(inheritedVars, exported?.vars);
      }
      const role: RoleContext = {
        name: onDisk.name,
        path: dir,
        defaults: { ...inheritedDefaults, ...onDisk.defaults },
        vars: { ...inheritedVars, ...onDisk.vars, ...params },
      };
      // role params stay the role's own; its defaults and vars/main.yml pass on to the roles that depend on it
      this.roleExports.set(identity, { defaults: role.defaults, vars: { ...inheritedVars, ...onDisk.vars } });
      const place = (file: YamlSource): TaskPlace => ({ source: file, dir: dirname(file.file), role, inherited, session: this });
      if (onDisk.tasks !== undefined) tasks.push(...(await normalizeTaskList(onDisk.tasks.data, [], place(onDisk.tasks))));
      if (onDisk.handlers !== undefined && !this.roleHandlersLoaded.has(dir)) {
        this.roleHandlersLoaded.add(dir);
        const handlerPlace = { ...place(onDisk.handlers), inherited: NOTHING_INHERITED };
        this.handlers.push(...(await normalizeHandlerList(onDisk.handlers.data, [], handlerPlace)));
      }
      return tasks;
    } finally {
      this.importChain.pop();
      this.lastExpandedIdentity = identity;
    }
  }
}

interface RoleEntry {
  name: string;
  params: Vars;
  tags: string[];
  when: string[];
}

/** `- web`, `- role: web`, `- { role: web, vars: {...}, tags: [...], when: ..., port: 80 }` */
function parseRoleEntry(raw: unknown, source: YamlSource, at: YamlPath): RoleEntry {
  if (typeof raw === 'string') return { name: raw, params: {}, tags: [], when: [] };
  if (!isMapping(raw)) throw source.error(at, 'a role entry must be a role name or a mapping with role:');
  validateSchema('roleEntry', raw, source, at, 'role entry');
  const name = typeof raw.role === 'string' ? raw.role : typeof raw.name === 'string' ? raw.name : undefined;
  if (name === undefined) throw source.error(at, "a role entry needs 'role:' (the role's name)");
  const params: Vars = isMapping(raw.vars) ? { ...raw.vars } : {};
  for (const [key, value] of Object.entries(raw)) if (!ROLE_ENTRY_KEYWORDS.has(key)) params[key] = value;
  return { name, params, tags: toTagList(raw.tags), when: toConditions(raw.when) };
}

function toSerial(raw: unknown, source: YamlSource, at: YamlPath): SerialSpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item, i) => {
    if (typeof item === 'number' && Number.isInteger(item) && item >= 0) return item;
    if (typeof item === 'string' && /^\s*\d+(\.\d+)?%\s*$/.test(item)) return item.trim();
    if (typeof item === 'string' && /^\s*\d+\s*$/.test(item)) return Number(item);
    throw source.error(Array.isArray(raw) ? [...at, i] : at, `invalid serial value ${JSON.stringify(item)}: expected a host count or a percentage like "25%"`);
  });
}

function varsFilesOf(raw: unknown, source: YamlSource, at: YamlPath): string[] {
  const items = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  items.forEach((item, i) => {
    if (typeof item !== 'string') throw source.error([...at, i], 'vars_files entries must be file names (first-found lists are not supported)');
  });
  return items as string[];
}

function resolvePath(path: string, baseDir: string): string {
  return isTemplated(path) || isAbsolute(path) ? path : resolve(baseDir, path);
}

async function normalizePlay(raw: unknown, source: YamlSource, at: YamlPath, session: LoadSession): Promise<Play> {
  if (!isMapping(raw)) throw source.error(at, 'a play must be a mapping (with hosts:) or an import_playbook entry');
  validateSchema('play', raw, source, at, 'play');
  session.startPlay();
  const baseDir = dirname(source.file);
  const hosts = Array.isArray(raw.hosts) ? raw.hosts.map(String).join(',') : String(raw.hosts);
  if (hosts.trim() === '') throw source.error([...at, 'hosts'], "'hosts' must name at least one host or group");
  const playTags = toTagList(raw.tags);
  const inherited: Inherited = { tags: playTags, when: [], vars: {} };
  const place: TaskPlace = { source, dir: baseDir, role: undefined, inherited, session };

  const roleTasks: Task[] = [];
  const roles = Array.isArray(raw.roles) ? raw.roles : [];
  for (let i = 0; i < roles.length; i += 1) {
    const entry = parseRoleEntry(roles[i], source, [...at, 'roles', i]);
    const roleInherited: Inherited = { tags: [...playTags, ...entry.tags], when: entry.when, vars: {} };
    roleTasks.push(...(await session.expandRole(entry.name, undefined, entry.params, roleInherited, source, [...at, 'roles', i], baseDir, true)));
  }
  const roleHandlers = session.handlers;
  session.handlers = [];
  const preTasks = await normalizeTaskList(raw.pre_tasks, [...at, 'pre_tasks'], place);
  const tasks = [...roleTasks, ...(await normalizeTaskList(raw.tasks, [...at, 'tasks'], place))];
  const postTasks = await normalizeTaskList(raw.post_tasks, [...at, 'post_tasks'], place);
  const batchGate = await normalizeTaskList(raw.batch_gate, [...at, 'batch_gate'], place);
  const playHandlers = await normalizeHandlerList(raw.handlers, [...at, 'handlers'], { ...place, inherited: NOTHING_INHERITED });
  const importedHandlers = session.handlers;

  const play: Play = {
    name: typeof raw.name === 'string' ? raw.name : hosts,
    hosts,
    vars: isMapping(raw.vars) ? raw.vars : {},
    varsFiles: varsFilesOf(raw.vars_files, source, [...at, 'vars_files']).map((file) => resolvePath(file, baseDir)),
    gatherFacts: raw.gather_facts !== false,
    become: typeof raw.become === 'boolean' ? raw.become : session.playDefaults.become === true,
    becomeUser: typeof raw.become_user === 'string' ? raw.become_user : session.playDefaults.becomeUser,
    strategy: raw.strategy === 'free' ? 'free' : 'linear',
    serial: toSerial(raw.serial, source, [...at, 'serial']),
    maxFailPercentage: typeof raw.max_fail_percentage === 'number' ? raw.max_fail_percentage : undefined,
    anyErrorsFatal: raw.any_errors_fatal === true,
    order: (raw.order as Play['order'] | undefined) ?? 'inventory',
    canaryGroup: typeof raw.canary_group === 'string' ? raw.canary_group : 'canary',
    batchPause: typeof raw.batch_pause === 'number' ? raw.batch_pause : undefined,
    batchGate,
    forceHandlers: raw.force_handlers === true,
    checkMode: typeof raw.check_mode === 'boolean' ? raw.check_mode : undefined,
    environment: toEnvironment(raw.environment, source, [...at, 'environment']),
    tags: playTags,
    preTasks,
    tasks,
    postTasks,
    handlers: [...roleHandlers, ...importedHandlers, ...playHandlers],
    baseDir,
    source: source.locate(at),
  };
  const missing = missingHandler(play);
  if (missing !== undefined) {
    // Ansible's words; it fails when the task notifies, airlock before anything runs
    throw new InputError(`The requested handler '${missing.name}' was not found in either the main handlers list nor in the listening handlers list`, missing.task.source);
  }
  return play;
}

async function loadPlaysFrom(path: string, options: LoadOptions, chain: string[]): Promise<Play[]> {
  const source = await readYamlSource(path);
  if (!Array.isArray(source.data)) throw source.error([], 'a playbook must be a list of plays');
  const session = new LoadSession(options, dirname(path));
  const plays: Play[] = [];
  for (let i = 0; i < source.data.length; i += 1) {
    const entry: unknown = source.data[i];
    const importKey = isMapping(entry) ? ['import_playbook', 'ansible.builtin.import_playbook'].find((k) => k in entry) : undefined;
    if (isMapping(entry) && importKey !== undefined) {
      const target = entry[importKey];
      if (typeof target !== 'string' || isTemplated(target)) throw source.error([i, importKey], "'import_playbook' needs a file name (not templated)");
      const extra = Object.keys(entry).filter((k) => k !== importKey && k !== 'name');
      if (extra[0] !== undefined) throw source.error([i, extra[0]], `'${extra[0]}' is not supported on import_playbook`, true);
      const file = resolve(dirname(path), target);
      if (chain.includes(file)) throw source.error([i, importKey], `import_playbook loop: ${[...chain, file].join(' -> ')}`);
      try {
        plays.push(...(await loadPlaysFrom(file, options, [...chain, file])));
      } catch (error) {
        if (error instanceof InputError && error.location?.file === file && error.location.line === undefined) {
          throw source.error([i, importKey], `cannot import playbook '${target}': ${error.message}`);
        }
        throw error;
      }
      continue;
    }
    plays.push(await normalizePlay(entry, source, [i], session));
  }
  return plays;
}

export async function loadPlaybook(path: string, options: LoadOptions): Promise<Playbook> {
  const absolute = resolve(path);
  return { path: absolute, plays: await loadPlaysFrom(absolute, options, [absolute]) };
}

/** A task file on its own (include_tasks at run time): tasks get `role`'s context and resolve relative to the file. */
export async function loadTaskFile(path: string, role: RoleContext | undefined, options: LoadOptions): Promise<Task[]> {
  const absolute = resolve(path);
  const session = new LoadSession(options, options.playbookDir);
  const source = await readYamlSource(absolute);
  return normalizeTaskList(source.data, [], { source, dir: dirname(absolute), role, inherited: NOTHING_INHERITED, session });
}

/** include_role at run time: the role (with its dependencies' tasks first), its tasks_from file and its handlers. */
export async function loadRoleForInclude(
  name: string,
  tasksFrom: string | undefined,
  fromDir: string,
  options: LoadOptions,
): Promise<{ role: RoleContext; tasks: Task[]; handlers: Handler[] }> {
  const session = new LoadSession(options, options.playbookDir ?? fromDir);
  const where = { file: fromDir };
  const dir = await findRoleDir(name, session.searchDirs, where, fromDir);
  const onDisk = await readRole(dir, name.split('/').pop() ?? name, tasksFrom, where);
  const placeholder = parseYamlSource(fromDir, '');
  const tasks = await session.expandRole(name, tasksFrom, {}, NOTHING_INHERITED, placeholder, [], fromDir, true);
  const role: RoleContext = { name: onDisk.name, path: dir, defaults: onDisk.defaults, vars: onDisk.vars };
  return { role, tasks, handlers: session.handlers };
}

export async function loadVarsFile(path: string): Promise<Vars> {
  const source = await readYamlSource(resolve(path));
  if (source.data === null || source.data === undefined) return {};
  if (!isMapping(source.data)) throw source.error([], 'a vars file must be a mapping of variable names to values');
  return source.data;
}
