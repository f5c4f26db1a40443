// `--json FILE`: the machine-readable report. One record per host per task, a per-host summary, the plays with their
// batches; secrets redacted (the collector stores only redacted results); stdout/stderr capped at 8 KiB each.
import type { Reporter, RunEvent } from '../types/events.js';
import type { HostSummary, TaskDiff, TaskResult, TaskStatus } from '../types/result.js';
import { RunCollector, type CollectedBatch, type CollectedHalt, type CollectedMessage } from './collect.js';
import type { Redactor } from './redact.js';
import { truncateBytes } from './format.js';
import { writeFileAtomic } from './atomic-write.js';

export const OUTPUT_LIMIT_BYTES = 8 * 1024;

export interface JsonResultRecord {
  play: string;
  host: string;
  task: string;
  role?: string;
  action: string;
  status: TaskStatus;
  changed: boolean;
  rc?: number;
  msg?: string;
  stdout?: string;
  stderr?: string;
  /** true when stdout or stderr was cut at OUTPUT_LIMIT_BYTES */
  truncated: boolean;
  item?: unknown;
  diff?: TaskDiff[];
  data?: Record<string, unknown>;
  /** per-item records of a loop */
  results?: JsonResultRecord[];
  started: string;
  durationMs: number;
  noLog?: boolean;
}

export interface JsonReport {
  run: { id: string; playbook: string; started: string | null; finished: string | null; check: boolean; exitCode: number | null };
  plays: Array<{
    name: string;
    hosts: string[];
    started: string;
    finished: string | null;
    batches: CollectedBatch[];
    halted?: CollectedHalt;
    tasks: Array<{ name: string; role?: string; action: string; results: Record<string, TaskStatus> }>;
  }>;
  results: JsonResultRecord[];
  hosts: Record<string, HostSummary & { failedTask?: string; failedMsg?: string }>;
  messages: CollectedMessage[];
}

export function toRecord(play: string, r: TaskResult, limitBytes = OUTPUT_LIMIT_BYTES): JsonResultRecord {
  const record: JsonResultRecord = {
    play,
    host: r.host,
    task: r.task,
    action: r.action,
    status: r.status,
    changed: r.changed,
    truncated: false,
    started: r.startedAt,
    durationMs: r.durationMs,
  };
  if (r.role !== undefined) record.role = r.role;
  if (r.rc !== undefined) record.rc = r.rc;
  if (r.msg !== undefined) record.msg = r.msg;
  for (const stream of ['stdout', 'stderr'] as const) {
    const text = r[stream];
    if (text === undefined) continue;
    const cut = truncateBytes(text, limitBytes);
    record[stream] = cut.text;
    record.truncated ||= cut.truncated;
  }
  if (r.item !== undefined) record.item = r.item;
  if (r.diff !== undefined) record.diff = r.diff;
  if (r.data !== undefined) record.data = r.data;
  if (r.results !== undefined) record.results = r.results.map((inner) => toRecord(play, inner, limitBytes));
  if (r.noLog) record.noLog = true;
  return record;
}

export function buildJsonReport(collector: RunCollector): JsonReport {
  const summaries = collector.summaries();
  const hosts: JsonReport['hosts'] = {};
  for (const [host, summary] of Object.entries(summaries)) {
    const failure = collector.failures.get(host);
    hosts[host] = { ...summary, ...(failure ? { failedTask: failure.role ? `${failure.role} : ${failure.task}` : failure.task, failedMsg: failure.msg ?? '' } : {}) };
  }
  return {
    run: {
      id: collector.run.id,
      playbook: collector.run.playbook,
      started: collector.run.started ?? null,
      finished: collector.run.finished ?? null,
      check: collector.run.check,
      exitCode: collector.run.exitCode ?? null,
    },
    plays: collector.plays.map((play) => ({
      name: play.name,
      hosts: play.hosts,
      started: play.started,
      finished: play.finished ?? null,
      batches: play.batches,
      ...(play.halted ? { halted: play.halted } : {}),
      tasks: play.tasks.map((task) => ({
        name: task.name,
        ...(task.role ? { role: task.role } : {}),
        action: task.action,
        results: Object.fromEntries(task.results.map((r) => [r.host, r.status])),
      })),
    })),
    results: collector.results.map(({ play, result }) => toRecord(play, result)),
    hosts,
    messages: collector.messages,
  };
}

export function serializeJsonReport(report: JsonReport, redactor?: Redactor): string {
  // The collector already redacted results; this second pass covers names and messages that came from elsewhere.
  const safe = redactor ? redactor.redactValue(report) : report;
  return `${JSON.stringify(safe, null, 2)}\n`;
}

/** Writes the report when the run ends, and again on close() so that an aborted run still leaves a file. */
export class JsonReporter implements Reporter {
  private readonly collector: RunCollector;
  private written: Promise<void> = Promise.resolve();

  /** `target`: a file (written atomically), or a stream such as stdout (ansible.cfg stdout_callback = json) */
  constructor(
    private readonly target: string | NodeJS.WritableStream,
    private readonly redactor?: Redactor,
  ) {
    this.collector = new RunCollector(redactor);
  }

  onEvent(event: RunEvent): void {
    this.collector.onEvent(event);
    if (event.type === 'run_end') this.written = this.write();
  }

  report(): JsonReport {
    return buildJsonReport(this.collector);
  }

  private async write(): Promise<void> {
    const text = serializeJsonReport(this.report(), this.redactor);
    if (typeof this.target === 'string') await writeFileAtomic(this.target, text);
    else this.target.write(text);
  }

  async close(): Promise<void> {
    await this.written;
    if (this.collector.run.finished === undefined) await this.write();
  }
}
