// Builds the reporters a run asked for and fans every event out to them. All of them share one Redactor, so a secret
// registered once is hidden in the terminal, the JSON and JUnit files and the journal alike.
import type { Reporter, RunEvent } from '../types/events.js';
import { Redactor } from './redact.js';
import { PlainReporter } from './plain.js';
import { LiveReporter } from './live.js';
import { JsonReporter } from './json.js';
import { JunitReporter } from './junit.js';
import { JournalReporter } from './journal.js';

export interface ReporterOptions {
  output: 'auto' | 'plain' | 'live';
  json?: string;
  /** the JSON report written to this stream too (stdout_callback = json) */
  jsonStream?: NodeJS.WritableStream;
  junit?: string;
  /** dir: the runs directory (normally DEFAULT_RUNS_DIR, .airlock/runs); playbook: its path as given */
  journal?: { dir: string; playbook: string };
  verbosity: number;
  /** terminal output; defaults to process.stdout */
  stream?: NodeJS.WritableStream;
  redactor?: Redactor;
  /** --show-credentials style escape hatch: registered secrets are printed as they are (no_log still applies) */
  showCredentials?: boolean;
  /** per-task durations and the run time (ansible.cfg callbacks_enabled profile_tasks / timer) */
  timings?: boolean;
}

/** Live on an interactive terminal, plain in CI and pipes (CI=true, or stdout not a TTY). */
export function wantsLive(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const isTty = (stream as { isTTY?: boolean }).isTTY === true;
  const ci = env.CI !== undefined && env.CI !== '' && env.CI.toLowerCase() !== 'false' && env.CI !== '0';
  return isTty && !ci && env.TERM !== 'dumb';
}

/** One Reporter that forwards every event to each of several, and closes them all even if one fails. */
export class FanOutReporter implements Reporter {
  constructor(readonly reporters: Reporter[]) {}

  onEvent(event: RunEvent): void {
    for (const reporter of this.reporters) reporter.onEvent(event);
  }

  async close(): Promise<void> {
    const outcomes = await Promise.allSettled(this.reporters.map((r) => r.close()));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

export function createReporters(options: ReporterOptions): FanOutReporter {
  const stream = options.stream ?? process.stdout;
  // showCredentials keeps a redactor (no_log results stay hidden) but with no secrets registered in it
  const redactor = options.showCredentials ? new Redactor() : (options.redactor ?? new Redactor());
  const reporters: Reporter[] = [];
  let journal: JournalReporter | undefined;
  if (options.journal) journal = new JournalReporter(options.journal.dir, options.journal.playbook, redactor);
  const retryHint = journal
    ? () => {
        const file = journal?.failedHostsFile;
        return file && options.journal ? `to retry the failed hosts: airlock run ${options.journal.playbook} --limit @${file}` : undefined;
      }
    : undefined;
  const live = options.output === 'live' || (options.output === 'auto' && wantsLive(stream));
  reporters.push(live ? new LiveReporter({ stream, redactor, retryHint }) : new PlainReporter({ stream, verbosity: options.verbosity, redactor, retryHint, timings: options.timings === true }));
  if (options.json) reporters.push(new JsonReporter(options.json, redactor));
  if (options.jsonStream) reporters.push(new JsonReporter(options.jsonStream, redactor));
  if (options.junit) reporters.push(new JunitReporter(options.junit, redactor));
  if (journal) reporters.push(journal);
  return new FanOutReporter(reporters);
}
