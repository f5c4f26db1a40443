// Folds the RunEvent stream into the state that end-of-run reporters need (recap, JSON, JUnit, journal).
// Results are stored already redacted: nothing downstream of the collector ever sees a secret.
import type { RunEvent } from '../types/events.js';
import type { Redactor } from './redact.js';
import { emptySummary, type HostSummary, type TaskResult } from '../types/result.js';
import { taskLabel } from './format.js';

export interface CollectedTask {
  name: string;
  role?: string;
  action: string;
  results: TaskResult[];
}

export interface CollectedBatch {
  index: number;
  total: number;
  hosts: string[];
  failedHosts?: string[];
  started: string;
  finished?: string;
}

export interface CollectedHalt {
  batch: number;
  reason: string;
  changedHosts: string[];
  untouchedHosts: string[];
  at: string;
}

export interface CollectedPlay {
  name: string;
  hosts: string[];
  started: string;
  finished?: string;
  batches: CollectedBatch[];
  tasks: CollectedTask[];
  halted?: CollectedHalt;
}

export interface CollectedRun {
  id: string;
  playbook: string;
  check: boolean;
  started?: string;
  finished?: string;
  exitCode?: number;
}

export interface CollectedMessage {
  level: 'info' | 'warning' | 'error';
  text: string;
  host?: string;
  at: string;
}

export class RunCollector {
  readonly run: CollectedRun = { id: '', playbook: '', check: false };
  readonly plays: CollectedPlay[] = [];
  /** every result in arrival order, with the play it belongs to */
  readonly results: Array<{ play: string; result: TaskResult }> = [];
  readonly messages: CollectedMessage[] = [];
  /** hosts in the order they first appeared */
  private readonly hostOrder: string[] = [];
  private readonly computed = new Map<string, HostSummary>();
  private reported: Record<string, HostSummary> | undefined;
  /** the failed/unreachable result that put each host into the recap's failure list (the latest one) */
  readonly failures = new Map<string, TaskResult>();

  constructor(private readonly redactor?: Redactor) {}

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'run_start':
        this.run.id = event.runId;
        this.run.playbook = event.playbook;
        this.run.check = event.check;
        this.run.started = event.at;
        break;
      case 'play_start':
        this.plays.push({ name: this.text(event.play), hosts: [...event.hosts], started: event.at, batches: [], tasks: [] });
        event.hosts.forEach((h) => this.noteHost(h));
        break;
      case 'batch_start':
        this.currentPlay(event.play, event.at).batches.push({ index: event.index, total: event.total, hosts: [...event.hosts], started: event.at });
        break;
      case 'batch_end': {
        const batch = this.currentPlay(event.play, event.at).batches.find((b) => b.index === event.index && b.finished === undefined);
        if (batch) {
          batch.failedHosts = [...event.failedHosts];
          batch.finished = event.at;
        }
        break;
      }
      case 'rollout_halted':
        this.currentPlay(event.play, event.at).halted = {
          batch: event.batch,
          reason: this.text(event.reason),
          changedHosts: [...event.changedHosts],
          untouchedHosts: [...event.untouchedHosts],
          at: event.at,
        };
        break;
      case 'play_end': {
        const play = this.plays[this.plays.length - 1];
        if (play) play.finished = event.at;
        break;
      }
      case 'task_result':
        this.addResult(event.result);
        break;
      case 'run_end':
        this.run.finished = event.at;
        this.run.exitCode = event.exitCode;
        this.reported = event.summaries;
        Object.keys(event.summaries).forEach((h) => this.noteHost(h));
        break;
      case 'message':
        this.messages.push({ level: event.level, text: this.text(event.text), ...(event.host ? { host: event.host } : {}), at: event.at });
        break;
      case 'task_start':
        break;
    }
  }

  private text(value: string): string {
    return this.redactor ? this.redactor.redact(value) : value;
  }

  private noteHost(host: string): void {
    if (!this.computed.has(host)) {
      this.computed.set(host, emptySummary());
      this.hostOrder.push(host);
    }
  }

  private currentPlay(name: string, at: string): CollectedPlay {
    const redactedName = this.text(name);
    const last = this.plays[this.plays.length - 1];
    if (last && last.name === redactedName) return last;
    // Events without a play_start (a partial stream) still land somewhere.
    const play: CollectedPlay = { name: redactedName, hosts: [], started: at, batches: [], tasks: [] };
    this.plays.push(play);
    return play;
  }

  private addResult(raw: TaskResult): void {
    const result = this.redactor ? this.redactor.redactResult(raw) : raw;
    const play = this.plays[this.plays.length - 1] ?? this.currentPlay('', result.startedAt);
    if (!play.hosts.includes(result.host)) play.hosts.push(result.host);
    // One entry per task: a later result of the same task joins it unless that host already has one there
    // (then the task ran again, e.g. the same task name twice in the play).
    const label = taskLabel(result);
    let task = [...play.tasks].reverse().find((t) => taskLabel({ task: t.name, role: t.role }) === label);
    if (!task || task.results.some((r) => r.host === result.host)) {
      task = { name: result.task, action: result.action, results: [], ...(result.role ? { role: result.role } : {}) };
      play.tasks.push(task);
    }
    task.results.push(result);
    this.results.push({ play: play.name, result });
    this.noteHost(result.host);
    countInto(this.computed.get(result.host) as HostSummary, result);
    if (result.status === 'failed' || result.status === 'unreachable') this.failures.set(result.host, result);
  }

  get hosts(): string[] {
    return [...this.hostOrder];
  }

  /** Per-host counters: the executor's (run_end) when it sent them, else counted from the results seen. */
  summaries(): Record<string, HostSummary> {
    const out: Record<string, HostSummary> = {};
    for (const host of this.hostOrder) {
      out[host] = this.reported?.[host] ?? (this.computed.get(host) as HostSummary);
    }
    return out;
  }

  /** Hosts worth retrying: failed, unreachable or rolled back, in first-seen order. */
  failedHosts(): string[] {
    const summaries = this.summaries();
    return this.hostOrder.filter((h) => {
      const s = summaries[h] as HostSummary;
      return s.failed > 0 || s.unreachable > 0 || s.rolled_back > 0;
    });
  }
}

/** Ansible's counting: a changed task is also ok, an ignored failure is ok and ignored (and changed if it changed). */
export function countInto(summary: HostSummary, result: TaskResult): void {
  switch (result.status) {
    case 'ok':
      summary.ok++;
      break;
    case 'changed':
      summary.ok++;
      summary.changed++;
      break;
    case 'ignored':
      // Ansible: an ignored failure counts as ok, ignored, and changed when the module said so
      summary.ok++;
      summary.ignored++;
      if (result.changed) summary.changed++;
      break;
    case 'failed':
      summary.failed++;
      break;
    case 'unreachable':
      summary.unreachable++;
      break;
    case 'skipped':
      summary.skipped++;
      break;
    case 'rescued':
      summary.rescued++;
      break;
    case 'rolled_back':
      summary.rolled_back++;
      break;
  }
}
