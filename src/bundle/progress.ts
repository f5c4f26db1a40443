// Per-host progress for `airlock bundle push`: listr2 bars (bytes, rate, ETA) on a terminal, plain lines otherwise
// (CI logs, pipes), and one result line per host either way. Pure presentation: it only receives callbacks.
import { Listr } from 'listr2';
import { formatBytes, formatDuration, formatRate } from './format.js';
import type { HostPushResult } from './push.js';

export interface PushProgressView {
  hostStarted(host: string, totalBytes: number): void;
  /** relay: the fan-out host these bytes come from (undefined: the workstation) */
  progress(host: string, bytesSentTotal: number, relay?: string): void;
  hostDone(result: HostPushResult): void;
  close(): Promise<void>;
}

/** Where each file came from, when a fan-out relay served any: `misp from lab-h001, mysql from the workstation`. */
function sources(result: HostPushResult): string | undefined {
  if (!result.files.some((f) => f.relay !== undefined)) return undefined;
  return result.files.filter((f) => f.outcome.status === 'sent')
    .map((f) => `${f.component} from ${f.relay ?? 'the workstation'}${f.relayFailures ? ` after ${f.relayFailures.length} failed relay attempt(s)` : ''}`).join(', ');
}

export function resultLine(result: HostPushResult): string {
  const files = `${result.files.length - result.skipped} sent, ${result.skipped} skipped`;
  const from = sources(result);
  const rate = formatRate(from === undefined ? result.bytesSent : result.bytesReceived, result.durationMs);
  const amount = from === undefined
    ? `${formatBytes(result.bytesSent)} sent (${files})`
    : `${formatBytes(result.bytesReceived)} received (${from}; ${formatBytes(result.bytesSent)} from the workstation; ${files})`;
  const base = `${result.host}: ${result.status}, ${amount}, ${formatDuration(result.durationMs)}, ${rate}`;
  return result.error === undefined ? base : `${base}: ${result.error}`;
}

interface HostState {
  total: number;
  sent: number;
  started: number;
  lastPrintedQuarter: number;
}

function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function liveTitle(host: string, state: HostState): string {
  const elapsed = Date.now() - state.started;
  const rate = elapsed > 0 ? (state.sent * 1000) / elapsed : 0;
  const left = Math.max(0, state.total - state.sent);
  const eta = rate > 0 ? formatDuration((left / rate) * 1000) : '-';
  return `${host} ${bar(state.total === 0 ? 1 : state.sent / state.total)} ${formatBytes(state.sent)}/${formatBytes(state.total)} ${formatRate(state.sent, elapsed)} ETA ${eta}`;
}

/** Plain lines: start, each quarter, result. Never more than five lines per host. */
export function plainProgress(write: (line: string) => void): PushProgressView {
  const hosts = new Map<string, HostState>();
  return {
    hostStarted(host, totalBytes) {
      hosts.set(host, { total: totalBytes, sent: 0, started: Date.now(), lastPrintedQuarter: 0 });
    },
    progress(host, sent, relay) {
      const state = hosts.get(host);
      if (!state || state.total === 0) return;
      state.sent = sent;
      const quarter = Math.floor((sent / state.total) * 4);
      if (quarter > state.lastPrintedQuarter && quarter < 4) {
        state.lastPrintedQuarter = quarter;
        write(`${host}: ${quarter * 25}% ${formatBytes(sent)}/${formatBytes(state.total)} ${formatRate(sent, Date.now() - state.started)}${relay === undefined ? '' : ` from ${relay}`}`);
      }
    },
    hostDone(result) {
      write(resultLine(result));
    },
    async close() {},
  };
}

/** listr2: one line per host, redrawn at most 4 times a second. */
export function liveProgress(hostsInOrder: readonly string[], writeResult: (line: string) => void): PushProgressView {
  const states = new Map<string, HostState>();
  const setters = new Map<string, (title: string) => void>();
  const finishers = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const lastDraw = new Map<string, number>();
  const results: HostPushResult[] = [];
  const list = new Listr(
    hostsInOrder.map((host) => ({
      title: `${host} waiting`,
      task: (_ctx: unknown, task: { title: string }) => {
        setters.set(host, (title) => { task.title = title; });
        const early = results.find((r) => r.host === host);
        if (early) {
          task.title = resultLine(early);
          return early.status === 'failed' || early.status === 'unreachable' ? Promise.reject(new Error(early.error ?? early.status)) : Promise.resolve();
        }
        return new Promise<void>((resolve, reject) => finishers.set(host, { resolve, reject }));
      },
    })),
    { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: false } },
  );
  const running = list.run().catch(() => undefined);
  return {
    hostStarted(host, totalBytes) {
      states.set(host, { total: totalBytes, sent: 0, started: Date.now(), lastPrintedQuarter: 0 });
    },
    progress(host, sent, relay) {
      const state = states.get(host);
      if (!state) return;
      state.sent = sent;
      const now = Date.now();
      if (now - (lastDraw.get(host) ?? 0) < 250) return;
      lastDraw.set(host, now);
      setters.get(host)?.(`${liveTitle(host, state)}${relay === undefined ? '' : ` from ${relay}`}`);
    },
    hostDone(result) {
      results.push(result);
      setters.get(result.host)?.(resultLine(result));
      const finisher = finishers.get(result.host);
      if (result.status === 'failed' || result.status === 'unreachable') finisher?.reject(new Error(result.error ?? result.status));
      else finisher?.resolve();
    },
    async close() {
      await running;
      for (const result of results) writeResult(resultLine(result));
    },
  };
}
