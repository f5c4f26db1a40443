// The executor's ports: everything it needs from the rest of airlock, as small interfaces. run.ts wires the real
// implementations (playbook templater and loader, connection pool, module registry, reporters); unit tests pass
// in-memory fakes. Keeping these narrow is what lets the strategy be tested without SSH.
import type { Connection } from '../connection/types.js';
import type { Vars } from '../inventory/types.js';
import type { ModuleDefinition } from '../modules/lib/types.js';
import type { Handler, RoleContext, Task } from '../playbook/types.js';
import type { RunEvent } from '../types/events.js';

/** The subset of src/template/templater.ts that the executor uses. */
export interface Templater {
  /** Deep render: a string that is exactly one `{{ expr }}` keeps its native type. */
  render(value: unknown, vars: Vars): unknown;
  /** As render(), for values stored as variables: a result built from host data comes back marked unsafe. */
  renderKeepingUnsafe(value: unknown, vars: Vars): unknown;
  renderString(template: string, vars: Vars): string;
  /** A bare Jinja expression (as in `when:`), to its value. */
  evaluate(expression: string, vars: Vars): unknown;
  /** A conditional with Ansible's truthiness rules. */
  test(expression: string, vars: Vars): boolean;
}

/** Run-time loading for dynamic includes and vars_files (src/playbook/load.ts). */
export interface TaskLoader {
  loadTaskFile(path: string, role: RoleContext | undefined): Promise<Task[]>;
  loadRoleForInclude(name: string, tasksFrom: string | undefined, fromDir: string): Promise<{ role: RoleContext; tasks: Task[]; handlers: Handler[] }>;
  loadVarsFile(path: string): Promise<Vars>;
}

/** Connections by inventory host (src/connection/pool.ts), plus the controller itself for `delegate_to: localhost`. */
export interface ConnectionSource {
  get(host: string, vars: Vars): Promise<Connection>;
  local(): Connection;
  closeAll(): Promise<void>;
}

export interface ExecutorDeps {
  templater: Templater;
  /** the value `{{ omit }}` renders to; arguments equal to it are dropped */
  omit: unknown;
  findModule(name: string): ModuleDefinition | undefined;
  loader: TaskLoader;
  connections: ConnectionSource;
  emit(event: RunEvent): void;
  /** injectable so that tests of retries/delay/batch_pause do not wait */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Operator choices for one run (the `airlock run` options, parsed). */
export interface ExecutorOptions {
  runId: string;
  check: boolean;
  diff: boolean;
  /** parallel host executions (Ansible's forks), default 50 */
  forks: number;
  tags: string[];
  skipTags: string[];
  startAtTask: string | undefined;
  forceHandlers: boolean;
  extraVars: Vars;
  /** hosts allowed by --limit (already resolved to names), undefined = no limit */
  limit: string[] | undefined;
  /** `--canary N`: a first batch of N hosts in every play */
  canary: number | undefined;
  verbosity: number;
  signal: AbortSignal;
  /** `--confirm-batches`: asked before every batch after the first; false halts the rollout */
  confirmBatch?: (next: { play: string; index: number; total: number; hosts: string[] }) => Promise<boolean>;
}

export const DEFAULT_FORKS = 50;
