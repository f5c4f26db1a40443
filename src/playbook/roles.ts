// Finding a role on the roles path and reading its parts: tasks/, handlers/, defaults/, vars/, meta/ (main.yml
// or another file for tasks_from). files/ and templates/ are resolved by the executor through RoleContext.path.
import { stat } from 'node:fs/promises';
import { airlockHome } from '../util/home.js';
import { readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Vars } from '../inventory/types.js';
import { InputError, type SourceLocation } from '../util/errors.js';
import { validateSchema } from './schema.js';
import { didYouMean } from './suggest.js';
import { readYamlSource, type YamlSource } from './yaml-source.js';

export interface RoleOnDisk {
  name: string;
  path: string;
  tasks: YamlSource | undefined;
  handlers: YamlSource | undefined;
  defaults: Vars;
  vars: Vars;
  dependencies: unknown[];
  metaSource: YamlSource | undefined;
  allowDuplicates: boolean;
}

/**
 * Ansible's order: <playbook dir>/roles, <cwd>/roles, configured paths, ANSIBLE_ROLES_PATH, then the playbook dir;
 * last, the roles shipped with airlock (as Ansible falls back to its system roles directory), so that airlock's own
 * playbooks (install, update, rollback) find lxd_host and misp_* from any working directory.
 */
function shippedRolesDir(): string[] {
  try {
    return [join(airlockHome(), 'roles')];
  } catch {
    return [];
  }
}

export function roleSearchDirs(playbookDir: string | undefined, rolesPath: readonly string[] = []): string[] {
  const fromEnv = (process.env.ANSIBLE_ROLES_PATH ?? '').split(':').filter((dir) => dir !== '');
  const dirs = [
    ...(playbookDir === undefined ? [] : [join(playbookDir, 'roles')]),
    join(process.cwd(), 'roles'),
    ...rolesPath.map((dir) => resolve(dir)),
    ...fromEnv.map((dir) => resolve(dir)),
    ...(playbookDir === undefined ? [] : [playbookDir]),
    ...shippedRolesDir(),
  ];
  return [...new Set(dirs)];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function rolesIn(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) => {
    try {
      return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return [];
    }
  });
}

export async function findRoleDir(name: string, searchDirs: readonly string[], where: SourceLocation, relativeTo: string): Promise<string> {
  // `../../etc` would make any directory of the controller a role, searched from every roles directory in turn;
  // a role outside the roles path is named by its absolute path or put on ANSIBLE_ROLES_PATH
  if (name.split(/[/\\]/).includes('..')) {
    throw new InputError(`role '${name}': a role name may not climb out of the roles path with '..' (use an absolute path or ANSIBLE_ROLES_PATH)`, where);
  }
  if (name.includes('/')) {
    const direct = isAbsolute(name) ? name : resolve(relativeTo, name);
    if (await isDirectory(direct)) return direct;
  }
  for (const dir of searchDirs) {
    const candidate = join(dir, name);
    if (await isDirectory(candidate)) return candidate;
  }
  throw new InputError(`role '${name}' not found in ${searchDirs.join(', ')}${didYouMean(name, rolesIn(searchDirs))}`, where);
}

/** `main` -> main.yml, main.yaml or main; undefined when the role has no such file (that part is optional). */
async function readOptional(dir: string, base: string): Promise<YamlSource | undefined> {
  for (const name of [`${base}.yml`, `${base}.yaml`, base]) {
    const path = join(dir, name);
    try {
      // anything but a directory is read, so that a FIFO or device is refused by the reader instead of skipped
      if (!(await stat(path)).isDirectory()) return await readYamlSource(path);
    } catch (error) {
      if (error instanceof InputError) throw error;
    }
  }
  return undefined;
}

function varsOf(source: YamlSource | undefined): Vars {
  if (source === undefined || source.data === null || source.data === undefined) return {};
  if (typeof source.data !== 'object' || Array.isArray(source.data)) throw source.error([], 'a vars file must be a mapping of variable names to values');
  return source.data as Vars;
}

export async function readRole(dir: string, name: string, tasksFrom: string | undefined, where: SourceLocation): Promise<RoleOnDisk> {
  const taskBase = tasksFrom?.replace(/\.ya?ml$/, '') ?? 'main';
  const tasks = await readOptional(join(dir, 'tasks'), taskBase);
  if (tasks === undefined && tasksFrom !== undefined) {
    throw new InputError(`role '${name}' has no tasks file '${tasksFrom}' in ${join(dir, 'tasks')}`, where);
  }
  const metaSource = await readOptional(join(dir, 'meta'), 'main');
  let dependencies: unknown[] = [];
  let allowDuplicates = false;
  if (metaSource !== undefined) {
    validateSchema('roleMeta', metaSource.data, metaSource, [], 'role meta');
    const meta = (metaSource.data ?? {}) as { dependencies?: unknown[] | null; allow_duplicates?: boolean };
    dependencies = meta.dependencies ?? [];
    allowDuplicates = meta.allow_duplicates === true;
  }
  return {
    name,
    path: dir,
    tasks,
    handlers: await readOptional(join(dir, 'handlers'), 'main'),
    defaults: varsOf(await readOptional(join(dir, 'defaults'), 'main')),
    vars: varsOf(await readOptional(join(dir, 'vars'), 'main')),
    dependencies,
    metaSource,
    allowDuplicates,
  };
}
