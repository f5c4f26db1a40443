// One hostile case as an operator would meet it: the built CLI (`node bin/airlock.js ...`) in its own process, in a
// scratch directory holding the case's files, under a wall-time limit (the process group is killed at the limit)
// and a memory limit (V8's heap capped with --max-old-space-size; the peak RSS measured and compared).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import type { CaseFile, HostileCase } from './cases.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/test/hostile -> the checkout */
const PROJECT_ROOT = join(here, '..', '..', '..');
const CLI = join(PROJECT_ROOT, 'bin', 'airlock.js');
const PROBE = pathToFileURL(join(here, 'rss-probe.js')).href;

// 20 s: each case takes ~0.5 s on an idle machine, ~2 s at load 10 on 2 cores; a hang is what the limit catches
export const DEFAULT_LIMITS = { wallMs: 20_000, heapMb: 256, rssMb: 400 };

export interface CaseRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** peak RSS of the airlock process in MB; undefined when it died before it could say (killed, crashed) */
  peakRssMb: number | undefined;
  timedOut: boolean;
}

function materialize(dir: string, files: Record<string, CaseFile>): void {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof content === 'string') writeFileSync(path, content);
    else if ('bytes' in content) writeFileSync(path, Buffer.from(content.bytes, 'latin1'));
    else if ('symlink' in content) symlinkSync(content.symlink, path);
    else if ('fifo' in content) execFileSync('mkfifo', [path]);
    else mkdirSync(path, { recursive: true });
  }
}

/** Polls the child's RSS too, so that a runaway is killed at the limit instead of taking the machine with it. */
function currentRssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export async function runCase(hostile: HostileCase): Promise<CaseRun> {
  const limits = { ...DEFAULT_LIMITS, ...hostile.limits };
  const dir = mkdtempSync(join(tmpdir(), 'airlock-hostile-'));
  const rssOut = join(dir, '.peak-rss');
  try {
    materialize(dir, hostile.files ?? {});
    const args = hostile.args.map((arg) => arg.replaceAll('{dir}', dir));
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${limits.heapMb}`, '--import', PROBE, CLI, ...args], {
      cwd: dir,
      env: { ...process.env, ...hostile.env, HOSTILE_RSS_OUT: rssOut, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    let polledPeak = 0;
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, limits.wallMs);
    const poll = setInterval(() => {
      if (child.pid === undefined) return;
      polledPeak = Math.max(polledPeak, currentRssMb(child.pid));
      if (polledPeak > limits.rssMb) kill();
    }, 25);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    });
    clearTimeout(timer);
    clearInterval(poll);
    let peakRssMb: number | undefined;
    try {
      peakRssMb = Math.max(Number(readFileSync(rssOut, 'utf8')) / 1024, polledPeak);
    } catch {
      peakRssMb = polledPeak > limits.rssMb ? polledPeak : undefined;
    }
    return {
      code,
      signal,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      wallMs: Date.now() - started,
      peakRssMb,
      timedOut,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
