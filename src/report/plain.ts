// Line-per-event output for CI logs and pipes, in the shape Ansible users read every day:
// PLAY [..] / TASK [..] headers, "ok: [host]", "fatal: [host]: UNREACHABLE! => ..", then the PLAY RECAP.
// -v adds stdout/stderr of every result, -vv adds durations, loop data and module return values.
import type { Reporter, RunEvent } from '../types/events.js';
import type { TaskResult } from '../types/result.js';
import { RunCollector } from './collect.js';
import { Redactor } from './redact.js';
import { formatRecap } from './recap.js';
import { ansibleJson, debugPayload, failureText, header, hostList, indent, itemLabel, tailExcerpt, taskLabel, truncateBytes, wrapText } from './format.js';

export interface PlainReporterOptions {
  stream: NodeJS.WritableStream;
  verbosity: number;
  redactor?: Redactor;
  /** prints "to retry: ..." after the recap when some hosts failed (the journal knows where its list is) */
  retryHint?: () => string | undefined;
  /** ansible.cfg callbacks_enabled profile_tasks / timer: each result's duration, and the run's at the end */
  timings?: boolean;
}

/** Verbose stream output is capped so that one chatty host cannot flood a CI log. */
const VERBOSE_OUTPUT_LIMIT = 8 * 1024;

/** The timer callback's line. */
function runTook(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  return `Playbook run took ${days} days, ${hours} hours, ${minutes} minutes, ${total % 60} seconds`;
}

export class PlainReporter implements Reporter {
  private readonly stream: NodeJS.WritableStream;
  private readonly verbosity: number;
  private readonly redactor: Redactor;
  private readonly collector: RunCollector;
  private readonly retryHint: (() => string | undefined) | undefined;
  private readonly timings: boolean;
  private runStartedAt: string | undefined;
  private currentTask: { id: string | undefined; name: string; role: string | undefined; handler: boolean } | undefined;
  private pending: string[] = [];
  private flushScheduled = false;

  constructor(options: PlainReporterOptions) {
    this.stream = options.stream;
    this.verbosity = options.verbosity;
    this.redactor = options.redactor ?? new Redactor();
    this.collector = new RunCollector(this.redactor);
    this.retryHint = options.retryHint;
    this.timings = options.timings === true;
  }

  onEvent(event: RunEvent): void {
    this.collector.onEvent(event);
    switch (event.type) {
      case 'run_start':
        this.runStartedAt = event.at;
        if (event.check) this.write('CHECK MODE: nothing will be changed on any host, results say what would change.\n');
        break;
      case 'play_start':
        this.currentTask = undefined;
        this.write(`\n${header(`PLAY [${event.play}]`)}\n`);
        break;
      case 'batch_start':
        this.currentTask = undefined;
        this.write(`\n${header(`BATCH [${event.index}/${event.total}] ${event.hosts.length} host${event.hosts.length === 1 ? '' : 's'}: ${hostList(event.hosts)}`)}\n`);
        break;
      case 'task_start':
        this.taskHeader(event.taskId, this.redactor.redact(event.task), event.role, event.handler === true);
        break;
      case 'task_result':
        this.printResult(this.redactor.redactResult(event.result));
        break;
      case 'batch_end':
        if (event.failedHosts.length > 0) this.write(`batch ${event.index}: failed: ${hostList(event.failedHosts)}\n`);
        break;
      case 'rollout_halted':
        this.write(this.haltBlock(event));
        break;
      case 'play_end':
        break;
      case 'message':
        this.write(this.messageLine(event.level, event.text, event.host));
        break;
      case 'run_end':
        this.write(`\n${formatRecap({ summaries: this.collector.summaries(), failures: this.collector.failures })}`);
        if (this.collector.failedHosts().length > 0) {
          const hint = this.retryHint?.();
          if (hint) this.write(`${hint}\n`);
        }
        if (this.timings && this.runStartedAt !== undefined) this.write(`${runTook(Date.parse(event.at) - Date.parse(this.runStartedAt))}\n`);
        this.flush();
        break;
    }
  }

  async close(): Promise<void> {
    // The stream belongs to the caller (usually stdout): hand over what is pending, leave the stream open.
    this.flush();
  }

  /**
   * Lines produced in one turn of the event loop leave in one write. At 100 hosts a task's results arrive together,
   * and a write per line (a syscall that wakes whoever reads the pipe) took ~5% of the run's main thread in the
   * bench/fleet profile. The recap is flushed at once: nothing may wait behind the end of the run.
   */
  private write(text: string): void {
    this.pending.push(this.redactor.redact(text));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.stream.write(text);
  }

  /**
   * Prints TASK [..] (RUNNING HANDLER [..] for a handler) once per start of a task, told apart by its id (two
   * consecutive tasks may well have the same display name). A result knows its task's id, name and role but not
   * whether it came from a handler (`handler` undefined): it matches the header that is already out. Results without
   * an id (built by hand) match by name.
   */
  private taskHeader(id: string | undefined, task: string, role: string | undefined, handler?: boolean): void {
    const current = this.currentTask;
    const sameTask =
      current !== undefined &&
      (id !== undefined && current.id !== undefined ? id === current.id : task === current.name) &&
      (role === undefined || current.role === undefined || current.role === role) &&
      (handler === undefined || current.handler === handler);
    if (sameTask) {
      current.role ??= role;
      return;
    }
    const isHandler = handler === true;
    this.currentTask = { id, name: task, role, handler: isHandler };
    this.write(`\n${header(`${isHandler ? 'RUNNING HANDLER' : 'TASK'} [${taskLabel({ task, role })}]`)}\n`);
  }

  private printResult(result: TaskResult): void {
    this.taskHeader(result.taskId, result.task, result.role);
    const host = hostTag(result);
    if (result.results && result.results.length > 0) {
      for (const item of result.results) this.write(this.resultLine(item, hostTag(item), item.itemLabel ?? itemLabel(item.item)));
      // the aggregate line only when it adds something: a failure of the loop as a whole
      if (result.status === 'failed' || result.status === 'unreachable') this.write(this.resultLine({ ...result, stdout: undefined, stderr: undefined }, host, undefined));
      return;
    }
    this.write(this.resultLine(result, host, result.item !== undefined ? itemLabel(result.item) : undefined));
  }

  /** Ansible's shapes: "ok: [h] => (item=x)", "ok: [h -> delegate]", "failed: [h] (item=x) => msg", "fatal: [h]: UNREACHABLE! => msg". */
  private resultLine(result: TaskResult, host: string, item: string | undefined): string {
    const itemSuffix = item === undefined ? '' : ` => (item=${item})`;
    const itemInfix = item === undefined ? '' : ` (item=${item})`;
    let line: string;
    let after: string | undefined;
    switch (result.status) {
      case 'ok':
        line = `ok: ${host}${itemSuffix}`;
        break;
      case 'changed':
        line = `changed: ${host}${itemSuffix}`;
        break;
      case 'skipped':
        line = `skipping: ${host}${itemSuffix}`;
        break;
      case 'unreachable':
        line = `fatal: ${host}${itemInfix}: UNREACHABLE! => ${result.msg ?? 'host unreachable'}`;
        break;
      case 'failed':
        line = `failed: ${host}${itemInfix} => ${failureText(result)}`;
        break;
      case 'ignored':
        line = `failed: ${host}${itemInfix} => ${failureText(result)}`;
        after = '...ignoring';
        break;
      case 'rescued':
        line = `failed: ${host}${itemInfix} => ${failureText(result)}`;
        after = '...rescued';
        break;
      case 'rolled_back':
        line = `rolled_back: ${host}${itemInfix} => ${result.msg ?? 'the stack was restored from its snapshots'}`;
        break;
    }
    if (this.verbosity >= 2 || this.timings) line += ` (${(result.durationMs / 1000).toFixed(2)}s)`;
    // debug exists to show its message or variable, at every verbosity and as Ansible dumps it:
    // ok: [h] => {\n    "msg": "..."\n}. Other modules' messages need -vv.
    const isDebug = result.action === 'debug' || result.action === 'ansible.builtin.debug';
    if (isDebug && result.status === 'ok' && !result.noLog) {
      line += ` => ${ansibleJson(debugPayload(result))}`;
    } else if (!isDebug && this.verbosity >= 2 && result.msg && (result.status === 'ok' || result.status === 'changed' || result.status === 'skipped')) {
      line += ` => ${result.msg}`;
    }
    const extra: string[] = [];
    const failedLike = result.status === 'failed' || result.status === 'ignored' || result.status === 'rescued' || result.status === 'rolled_back';
    if (this.verbosity >= 1) {
      if (result.stdout) extra.push(this.streamBlock('stdout', result.stdout));
      if (result.stderr) extra.push(this.streamBlock('stderr', result.stderr));
    } else if (failedLike && result.stderr && result.stderr.trim() !== '') {
      extra.push(this.streamBlock('stderr', tailExcerpt(result.stderr)));
    }
    if (this.verbosity >= 2) {
      for (const d of result.diff ?? []) extra.push(indent(`--- before${d.path ? `: ${d.path}` : ''}\n+++ after\n${d.before}\n${d.after}`.trimEnd()));
      if (result.data && Object.keys(result.data).length > 0) extra.push(indent(`data: ${JSON.stringify(result.data)}`));
    }
    return `${[line, ...extra, ...(after ? [after] : [])].join('\n')}\n`;
  }

  private streamBlock(name: string, text: string): string {
    const { text: kept, truncated } = truncateBytes(text.replace(/\s+$/, ''), VERBOSE_OUTPUT_LIMIT);
    return indent(`${name}:\n${indent(kept, '  | ')}${truncated ? '\n  ... (truncated)' : ''}`);
  }

  private haltBlock(event: Extract<RunEvent, { type: 'rollout_halted' }>): string {
    const lines = [
      '',
      header('ROLLOUT HALTED'),
      `play:      ${event.play}`,
      `batch:     ${event.batch} failed; no later batch was started`,
      `reason:    ${event.reason}`,
      `changed:   ${event.changedHosts.length > 0 ? event.changedHosts.join(', ') : '(none)'}`,
      `untouched: ${event.untouchedHosts.length > 0 ? event.untouchedHosts.join(', ') : '(none)'}`,
    ];
    return `${lines.join('\n')}\n`;
  }

  private messageLine(level: 'info' | 'warning' | 'error', text: string, host: string | undefined): string {
    const where = host ? ` [${host}]` : '';
    // Ansible's own shape, wrapped as its display.warning wraps (textwrap at 79 columns off a terminal)
    if (level === 'warning') return host ? `[WARNING]${where}: ${text}\n` : `${wrapText(`[WARNING]: ${text}`, 79)}\n`;
    if (level === 'error') return `ERROR!${where} ${text}\n`;
    return `${host ? `[${host}] ` : ''}${text}\n`;
  }
}

/** `[host]`, or Ansible's `[host -> delegate]` when the task ran delegated. */
function hostTag(result: TaskResult): string {
  return result.delegatedTo === undefined ? `[${result.host}]` : `[${result.host} -> ${result.delegatedTo}]`;
}
