// One task's outcome on one host: what every reporter (live, recap, JSON, JUnit, journal) consumes.

/** Ansible's statuses, plus `rolled_back` for a host whose stack update failed and was restored. */
export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'rescued' | 'ignored' | 'rolled_back';

export interface TaskDiff {
  path?: string;
  before: string;
  after: string;
}

export interface TaskResult {
  /** which start of a task this result belongs to (the task_start event's taskId); set by the executor */
  taskId?: string;
  host: string;
  /** task name as shown to the operator (module + args when the task has no name) */
  task: string;
  /** module that ran, e.g. "command" */
  action: string;
  /** "role_name : " prefix source, for the recap */
  role?: string;
  status: TaskStatus;
  changed: boolean;
  msg?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  diff?: TaskDiff[];
  /** loop item this result belongs to, when the task loops */
  item?: unknown;
  /** the item (or its loop_control label) as Ansible prints it: Python's str(), so a dict shows as {'a': 1} */
  itemLabel?: string;
  /** per-item results of a loop */
  results?: TaskResult[];
  /** module return values beyond the common ones (stat, register-able data) */
  data?: Record<string, unknown>;
  /** ISO time the task started on this host */
  startedAt: string;
  durationMs: number;
  /** true when the task had no_log: reporters must print nothing of its output or arguments */
  noLog?: boolean;
  /** delegate_to: the address the task ran at instead (the delegated host's ansible_host, else its name), shown as Ansible's [host -> there] */
  delegatedTo?: string;
}

export interface HostSummary {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
  rolled_back: number;
}

export function emptySummary(): HostSummary {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, rolled_back: 0 };
}
