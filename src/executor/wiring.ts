// The real implementations behind the executor's ports: the playbook templater and loader, the SSH connection pool
// with a local connection for `delegate_to: localhost`, and the module registry. Only the CLI (and integration
// tests) call this; unit tests build ExecutorDeps from fakes.
import { ConnectionPool, type ConnectionPoolOptions } from '../connection/pool.js';
import { LocalConnection } from '../connection/local.js';
import type { Connection } from '../connection/types.js';
import type { Inventory, Vars } from '../inventory/types.js';
import { findModule } from '../modules/registry.js';
import type { Handler, Playbook, RoleContext, Task } from '../playbook/types.js';
import { createTemplater, OMIT } from '../playbook/template.js';
import type { RunEvent } from '../report/events.js';
import type { ExecutorDeps, TaskLoader } from './deps.js';

export interface PlaybookLoadOptions {
  rolesPath?: string[];
}

/** src/playbook/load.ts, as the playbook engineer publishes it. */
interface PlaybookLoadModule {
  loadPlaybook(path: string, options?: PlaybookLoadOptions): Promise<Playbook>;
  loadTaskFile(path: string, role: RoleContext | undefined, options?: PlaybookLoadOptions): Promise<Task[]>;
  loadRoleForInclude(name: string, tasksFrom: string | undefined, fromDir: string, options?: PlaybookLoadOptions): Promise<{ role: RoleContext; tasks: Task[]; handlers: Handler[] }>;
  loadVarsFile(path: string): Promise<Vars>;
}

async function playbookLoadModule(): Promise<PlaybookLoadModule> {
  // imported by name at run time: keeps this file compiling while the loader's exact module shape settles
  const specifier = '../playbook/load.js';
  return (await import(specifier)) as PlaybookLoadModule;
}

export async function loadPlaybooks(paths: string[], options: PlaybookLoadOptions): Promise<Playbook[]> {
  const loader = await playbookLoadModule();
  const playbooks: Playbook[] = [];
  for (const path of paths) playbooks.push(await loader.loadPlaybook(path, options));
  return playbooks;
}

export async function playbookTaskLoader(options: PlaybookLoadOptions): Promise<TaskLoader> {
  const loader = await playbookLoadModule();
  return {
    loadTaskFile: (path, role) => loader.loadTaskFile(path, role, options),
    loadRoleForInclude: (name, tasksFrom, fromDir) => loader.loadRoleForInclude(name, tasksFrom, fromDir, options),
    loadVarsFile: (path) => loader.loadVarsFile(path),
  };
}

export interface RealDepsOptions {
  inventory: Inventory;
  pool: ConnectionPoolOptions;
  emit(event: RunEvent): void;
  loadOptions: PlaybookLoadOptions;
}

export async function realDeps(options: RealDepsOptions): Promise<ExecutorDeps> {
  const pool = new ConnectionPool({
    ...options.pool,
    resolveHostVars: (host) => options.inventory.hosts.get(host)?.vars,
  });
  let local: Connection | undefined;
  const commandTimeoutMs = options.pool.commandTimeoutMs;
  return {
    templater: createTemplater(),
    omit: OMIT,
    findModule,
    loader: await playbookTaskLoader(options.loadOptions),
    connections: {
      get: (host, vars) => pool.get(host, vars),
      local: () => (local ??= new LocalConnection('localhost', commandTimeoutMs === undefined ? {} : { commandTimeoutMs })),
      closeAll: async () => {
        await pool.closeAll();
        await local?.close();
      },
    },
    emit: options.emit,
  };
}
