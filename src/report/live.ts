// The terminal view on a TTY (listr2): one line per host of the running batch with its current task and counters, a
// summary line (hosts done/failed/unreachable, tasks/s), the ROLLOUT HALTED block when a batch stops the rollout, then
// the recap. Renders are throttled (at most RENDER_INTERVAL_MS apart), so 200 hosts cost a few redraws a second,
// not one per event.
import { DefaultRenderer, Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { Reporter, RunEvent } from '../types/events.js';
import type { TaskResult } from '../types/result.js';
import { RunCollector } from './collect.js';
import { Redactor } from './redact.js';
import { formatRecap } from './recap.js';
import { ansibleJson, debugPayload, failureText, header, taskLabel } from './format.js';

export const RENDER_INTERVAL_MS = 200;

/** Columns of the terminal we draw on; a pty that reports 0 (e.g. under `script`) gets 80. */
function columnsOf(stream: NodeJS.WritableStream): number {
  const columns = (stream as { columns?: number }).columns;
  return typeof columns === 'number' && columns > 0 ? columns : 80;
}

/**
 * listr2's default renderer redraws the whole list on every title change; this one coalesces redraws. It also
 * declares itself usable without process.stdout being a TTY, because airlock decides that itself (the stream may be
 * stderr or, in tests, a fake terminal), and it sizes lines by that stream, not by process.stdout.
 */
function throttledRendererFor(stream: NodeJS.WritableStream): typeof DefaultRenderer {
  return class ThrottledRenderer extends DefaultRenderer {
    static override nonTTY = true;
    private pending: NodeJS.Timeout | undefined;
    private last = 0;

    override update(): void {
      const wait = this.last + RENDER_INTERVAL_MS - Date.now();
      if (wait <= 0) {
        this.last = Date.now();
        super.update();
        return;
      }
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.last = Date.now();
        super.update();
      }, wait);
    }

    override end(): void {
      if (this.pending) clearTimeout(this.pending);
      this.pending = undefined;
      super.end();
    }

    // listr2 reads the width from process.stdout; lend it our stream's width for the duration of one format call
    protected override format(message: string, icon: string, level: number): string[] {
      const stdout = process.stdout as { columns?: number };
      const saved = stdout.columns;
      stdout.columns = columnsOf(stream);
      try {
        return super.format(message, icon, level);
      } finally {
        stdout.columns = saved;
      }
    }
  };
}

type Renderer = typeof DefaultRenderer;

type HostState = 'waiting' | 'running' | 'failed' | 'unreachable' | 'done';

interface HostView {
  host: string;
  state: HostState;
  task: string | undefined;
  /** how the current task is headed: a notified handler runs as RUNNING HANDLER, as in the plain output */
  heading: 'TASK' | 'RUNNING HANDLER';
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  lastFailure: string | undefined;
  title: string;
  wrapper: ListrTaskWrapper<unknown, Renderer, Renderer> | undefined;
  finish: (error?: Error) => void;
  finished: Promise<void>;
}

interface Group {
  label: string;
  /** set when the batch is over: its summary line is frozen as it was at that moment */
  ended: boolean;
  views: HostView[];
  summary: HostView;
  running: Promise<void>;
}

export interface LiveReporterOptions {
  stream: NodeJS.WritableStream;
  redactor?: Redactor;
  retryHint?: () => string | undefined;
}

export class LiveReporter implements Reporter {
  private readonly stream: NodeJS.WritableStream;
  private readonly redactor: Redactor;
  private readonly collector: RunCollector;
  private readonly retryHint: (() => string | undefined) | undefined;
  /** output written strictly in order: a batch's list, then what follows it */
  private queue: Promise<void> = Promise.resolve();
  private group: Group | undefined;
  private timer: NodeJS.Timeout | undefined;
  private play = '';
  private batchLabel = '';
  private readonly startedAt = Date.now();
  private tasksDone = 0;
  private hostsDone = 0;
  private hostsFailed = 0;
  private hostsUnreachable = 0;
  private deferred: string[] = [];
  private playHosts: string[] = [];
  private readonly listrs = new Map<Group, Listr<unknown, Renderer, Renderer>>();

  private readonly renderer: Renderer;

  constructor(options: LiveReporterOptions) {
    this.stream = options.stream;
    this.renderer = throttledRendererFor(options.stream);
    this.redactor = options.redactor ?? new Redactor();
    this.collector = new RunCollector(this.redactor);
    this.retryHint = options.retryHint;
  }

  onEvent(event: RunEvent): void {
    this.collector.onEvent(event);
    switch (event.type) {
      case 'run_start':
        if (event.check) this.enqueueText('CHECK MODE: nothing will be changed on any host.\n');
        break;
      case 'play_start':
        this.endGroup();
        this.play = event.play;
        this.playHosts = [...event.hosts];
        this.batchLabel = '';
        this.enqueueText(`\n${header(`PLAY [${event.play}]`)}\n`);
        break;
      case 'batch_start':
        this.endGroup();
        this.batchLabel = `batch ${event.index}/${event.total}`;
        this.startGroup(event.hosts);
        break;
      case 'task_start': {
        const view = this.view(event.host);
        view.task = event.task;
        view.heading = event.handler ? 'RUNNING HANDLER' : 'TASK';
        if (view.state === 'waiting') view.state = 'running';
        break;
      }
      case 'task_result':
        this.onResult(this.redactor.redactResult(event.result));
        break;
      case 'batch_end':
      case 'play_end':
        this.endGroup();
        break;
      case 'rollout_halted':
        this.endGroup();
        this.enqueueText(
          [
            '',
            header('ROLLOUT HALTED'),
            `play:      ${event.play}`,
            `batch:     ${event.batch} failed; no later batch was started`,
            `reason:    ${event.reason}`,
            `changed:   ${event.changedHosts.join(', ') || '(none)'}`,
            `untouched: ${event.untouchedHosts.join(', ') || '(none)'}`,
            '',
          ].join('\n'),
        );
        break;
      case 'message': {
        const where = event.host ? ` [${event.host}]` : '';
        const line = event.level === 'warning' ? `[WARNING]${where}: ${event.text}\n` : event.level === 'error' ? `ERROR!${where} ${event.text}\n` : `${event.host ? `[${event.host}] ` : ''}${event.text}\n`;
        this.writeBesideList(line);
        break;
      }
      case 'run_end':
        this.endGroup();
        this.enqueueText(`\n${formatRecap({ summaries: this.collector.summaries(), failures: this.collector.failures })}`);
        if (this.collector.failedHosts().length > 0) {
          const hint = this.retryHint?.();
          if (hint) this.enqueueText(`${hint}\n`);
        }
        break;
    }
  }

  async close(): Promise<void> {
    this.endGroup();
    await this.queue;
  }

  /** Writing while listr owns the terminal would tear the view: a line waits until the batch's list is final. */
  private writeBesideList(line: string): void {
    if (this.group) this.deferred.push(line);
    else this.enqueueText(line);
  }

  private onResult(result: TaskResult): void {
    const view = this.view(result.host);
    this.tasksDone++;
    // debug exists to be read: its output follows the batch's host list, as Ansible dumps it
    const isDebug = result.action === 'debug' || result.action === 'ansible.builtin.debug';
    if (isDebug && result.status === 'ok' && !result.noLog) {
      this.writeBesideList(`ok: [${result.host}] => ${ansibleJson(debugPayload(result))}\n`);
    }
    view.task = taskLabel(result);
    switch (result.status) {
      case 'ok':
      case 'ignored':
      case 'rescued':
        view.ok++;
        if (result.changed) view.changed++;
        break;
      case 'changed':
        view.ok++;
        view.changed++;
        break;
      case 'skipped':
        view.skipped++;
        break;
      case 'failed':
      case 'rolled_back':
        view.failed++;
        view.state = 'failed';
        view.lastFailure = `TASK [${taskLabel(result)}] => ${failureText(result)}`;
        break;
      case 'unreachable':
        view.state = 'unreachable';
        view.lastFailure = `UNREACHABLE at TASK [${taskLabel(result)}] => ${result.msg ?? 'host unreachable'}`;
        break;
    }
  }

  /** The host's line; without batch events the first task opens one group for the whole play. */
  private view(host: string): HostView {
    if (!this.group) this.startGroup(this.playHosts.includes(host) ? this.playHosts : [...this.playHosts, host]);
    let view = this.group?.views.find((v) => v.host === host);
    if (!view) {
      // a host nobody announced: counted, and shown if the list has not started drawing yet
      view = newView(host);
      (this.group as Group).views.push(view);
      this.addTask(this.group as Group, view);
    }
    return view;
  }

  private startGroup(hosts: string[]): void {
    const summary = newView('');
    const views = hosts.map(newView);
    const label = [this.play, this.batchLabel].filter(Boolean).join(' / ');
    const logger = new ListrLogger({ useIcons: true, processOutput: new ProcessOutput(this.stream as NodeJS.WriteStream, this.stream as NodeJS.WriteStream) });
    const listr = new Listr<unknown, Renderer, Renderer>([], {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: this.renderer,
      fallbackRenderer: this.renderer,
      // one line per host: truncated to the terminal's width rather than wrapped
      rendererOptions: { logger, collapseErrors: false, showErrorMessage: true, removeEmptyLines: true, formatOutput: 'truncate' },
    });
    const group: Group = { label, ended: false, views, summary, running: Promise.resolve() };
    this.group = group;
    listr.add({
      title: '',
      task: (_ctx, wrapper) => {
        summary.wrapper = wrapper;
        if (!group.ended) summary.title = this.redactor.redact(this.summaryTitle(group));
        wrapper.title = summary.title;
        return summary.finished;
      },
    });
    for (const view of views) this.addTask(group, view, listr);
    this.listrs.set(group, listr);
    group.running = new Promise<void>((resolve) => {
      this.queue = this.queue.then(async () => {
        this.flush();
        this.timer = setInterval(() => this.flush(), RENDER_INTERVAL_MS);
        this.timer.unref();
        try {
          await listr.run();
        } catch {
          // a host's failure is shown on its line; listr's own error adds nothing
        } finally {
          if (this.timer) clearInterval(this.timer);
          this.timer = undefined;
          resolve();
        }
      });
    });
  }

  private addTask(group: Group, view: HostView, listr = this.listrs.get(group)): void {
    listr?.add({
      title: view.host,
      task: (_ctx, wrapper) => {
        view.wrapper = wrapper;
        wrapper.title = view.title = this.hostTitle(view);
        return view.finished;
      },
    });
  }

  private endGroup(): void {
    const group = this.group;
    if (!group) return;
    this.group = undefined;
    for (const view of group.views) {
      if (view.state === 'failed' || view.state === 'unreachable') {
        if (view.state === 'failed') this.hostsFailed++;
        else this.hostsUnreachable++;
      } else {
        view.state = 'done';
      }
      this.hostsDone++;
    }
    this.flushGroup(group);
    group.ended = true;
    group.summary.title = this.redactor.redact(this.summaryTitle(group));
    if (group.summary.wrapper) group.summary.wrapper.title = group.summary.title;
    for (const view of group.views) {
      view.finish(view.state === 'failed' || view.state === 'unreachable' ? new Error(this.redactor.redact(view.lastFailure ?? view.state)) : undefined);
    }
    group.summary.finish();
    const held = this.deferred;
    this.deferred = [];
    this.queue = this.queue.then(async () => {
      await group.running;
      for (const line of held) this.stream.write(this.redactor.redact(line));
    });
    this.listrs.delete(group);
  }

  private flush(): void {
    if (this.group) this.flushGroup(this.group);
  }

  private flushGroup(group: Group): void {
    for (const view of group.views) {
      const title = this.hostTitle(view);
      if (view.wrapper && title !== view.title) {
        view.title = title;
        view.wrapper.title = title;
      }
    }
    if (group.ended) return;
    const summary = this.redactor.redact(this.summaryTitle(group));
    if (group.summary.wrapper && summary !== group.summary.title) {
      group.summary.title = summary;
      group.summary.wrapper.title = summary;
    }
  }

  private hostTitle(view: HostView): string {
    const width = Math.max(12, ...(this.group?.views.map((v) => v.host.length) ?? [0]));
    const counts = (['ok', 'changed', 'failed', 'skipped'] as const)
      .filter((name) => view[name] > 0)
      .map((name) => `${name}=${view[name]}`)
      .join(' ');
    // a failed host's cause is shown by listr under its line (the task's error), not repeated here
    const doing = view.task ? `${view.heading} [${view.task}]` : 'waiting';
    return this.redactor.redact(`${view.host.padEnd(width)}  ${view.state.padEnd(11)} ${counts.padEnd(24)} ${doing}`.trimEnd());
  }

  private summaryTitle(group: Group): string {
    // while the batch runs its failures are not yet in the run's counters
    const failedNow = group.ended ? 0 : group.views.filter((v) => v.state === 'failed').length;
    const unreachableNow = group.ended ? 0 : group.views.filter((v) => v.state === 'unreachable').length;
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    return `${group.label || 'hosts'}: ${this.hostsDone}/${this.collector.hosts.length} hosts done, ${this.hostsFailed + failedNow} failed, ${this.hostsUnreachable + unreachableNow} unreachable, ${(this.tasksDone / seconds).toFixed(1)} tasks/s`;
  }

  private enqueueText(text: string): void {
    this.queue = this.queue.then(() => {
      this.stream.write(this.redactor.redact(text));
    });
  }
}

function newView(host: string): HostView {
  let finish: (error?: Error) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error?: Error) => (error ? reject(error) : resolve());
  });
  // a rejection nobody awaits yet (listr has not started this task) must not crash the process
  finished.catch(() => undefined);
  return { host, state: 'waiting', task: undefined, heading: 'TASK', ok: 0, changed: 0, failed: 0, skipped: 0, lastFailure: undefined, title: '', wrapper: undefined, finish, finished };
}
