// Contender (a): the airlock CLI as an operator runs it (`airlock run ... --output plain -f N`), in its own process,
// through the probe that records its peak RSS and CPU time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedRun } from '../support/process.js';
import type { ProbeRecord } from './airlock-probe.js';

export const CONNECT_TIMEOUT_S = 60;
const PROBE = fileURLToPath(new URL('./airlock-probe.js', import.meta.url));

export interface AirlockRunOptions {
  playbook: string;
  inventory: string;
  forks: number;
  runId: string;
  timeoutMs: number;
  cwd: string;
  /** write a V8 CPU profile (.cpuprofile) into this directory */
  cpuProfileDir?: string;
}

export interface AirlockRun {
  wallMs: number;
  probe: ProbeRecord;
  stdout: string;
}

export async function runAirlock(options: AirlockRunOptions): Promise<AirlockRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-bench-probe-'));
  const probeOut = join(scratch, 'probe.json');
  try {
    const nodeFlags = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
    const args = [
      ...nodeFlags,
      PROBE,
      'run',
      options.playbook,
      '-i',
      options.inventory,
      '--output',
      'plain',
      '-f',
      String(options.forks),
      '-e',
      `bench_run=${options.runId}`,
      // 200 handshakes at once on a loaded 2-core controller take longer than the 10 s default (hosts were
      // reported unreachable at N=200, load 60+); Ansible gets the same 60 s (ANSIBLE_TIMEOUT)
      '--connect-timeout',
      String(CONNECT_TIMEOUT_S),
    ];
    const run = await timedRun(process.execPath, args, {
      cwd: options.cwd,
      timeoutMs: options.timeoutMs,
      env: { ...process.env, AIRLOCK_BENCH_PROBE_OUT: probeOut },
    });
    if (run.code !== 0) {
      throw new Error(`airlock run exited ${String(run.code)}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
    }
    const probe = JSON.parse(readFileSync(probeOut, 'utf8')) as ProbeRecord;
    return { wallMs: run.wallMs, probe, stdout: run.stdout };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
