// The real implementations behind the executor's ports: the playbook templater and loader, the SSH connection pool
// with a local connection for `delegate_to: localhost`, and the module registry. Only the CLI (and integration
// tests) call this; unit tests build ExecutorDeps from fakes.
import { ConnectionPool, type ConnectionPoolOptions } from '../connection/pool.js';
import { LocalConnection } from '../connection/local.js';
import type { Connection } from '../connection/types.js';
import type { Inventory } from '../inventory/types.js';
import { findModule, moduleNames } from '../modules/lib/registry.js';
import { loadPlaybook, loadRoleForInclude, loadTaskFile, loadVarsFile, type LoadOptions } from '../playbook/load.js';
import type { Playbook } from '../playbook/types.js';
import { createTemplater, OMIT } from '../template/index.js';
import type { RunEvent } from '../types/events.js';
import type { ExecutorDeps, TaskLoader } from './deps.js';

export type PlaybookLoadOptions = Pick<LoadOptions, 'rolesPath' | 'playbookDir' | 'playDefaults'>;

/** The loader checks task modules and arguments against the real registry. */
function withRegistry(options: PlaybookLoadOptions): LoadOptions {
  return { ...options, findModule, moduleNames };
}

export async function loadPlaybooks(paths: string[], options: PlaybookLoadOptions): Promise<Playbook[]> {
  const playbooks: Playbook[] = [];
  for (const path of paths) playbooks.push(await loadPlaybook(path, withRegistry(options)));
  return playbooks;
}

export function playbookTaskLoader(loadOptions: PlaybookLoadOptions): TaskLoader {
  const options = withRegistry(loadOptions);
  return {
    loadTaskFile: (path, role) => loadTaskFile(path, role, options),
    loadRoleForInclude: (name, tasksFrom, fromDir) => loadRoleForInclude(name, tasksFrom, fromDir, options),
    loadVarsFile: (path) => loadVarsFile(path),
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
    loader: playbookTaskLoader(options.loadOptions),
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
