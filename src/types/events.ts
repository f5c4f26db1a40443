// The stream the executor emits and reporters consume. Reporters never call back into the executor.
import type { HostSummary, TaskResult } from './result.js';

export type RunEvent =
  | { type: 'run_start'; playbook: string; runId: string; check: boolean; at: string }
  | { type: 'play_start'; play: string; hosts: string[]; at: string }
  | { type: 'batch_start'; play: string; index: number; total: number; hosts: string[]; at: string }
  /**
   * taskId: this start of the task, the same in its TaskResults (two tasks with one display name are two tasks);
   * task: the task's name as in TaskResult.task; role: its role, for TASK [role : name] headers; handler: a notified
   * handler running (headed RUNNING HANDLER [..], as Ansible does)
   */
  | { type: 'task_start'; taskId: string; host: string; task: string; role?: string; handler?: true; at: string }
  | { type: 'task_result'; result: TaskResult }
  | { type: 'batch_end'; play: string; index: number; failedHosts: string[]; at: string }
  | { type: 'rollout_halted'; play: string; batch: number; reason: string; changedHosts: string[]; untouchedHosts: string[]; at: string }
  | { type: 'play_end'; play: string; at: string }
  | { type: 'run_end'; summaries: Record<string, HostSummary>; exitCode: number; at: string }
  /** free text for the operator (warnings, deprecations); never carries secrets */
  | { type: 'message'; level: 'info' | 'warning' | 'error'; text: string; host?: string; at: string };

export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Flush and release the terminal/files. */
  close(): Promise<void>;
}
