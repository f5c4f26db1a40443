// Runs the real airlock CLI in this process and, as the process exits, records what only the process itself can
// see: its peak RSS (VmHWM from /proc/self/status) and CPU time. Used as `node dist/bench/fleet/airlock-probe.js run
// PLAYBOOK ...` with AIRLOCK_BENCH_PROBE_OUT=FILE; without that variable it is just `airlock`.
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProbeRecord {
  vmHwmKb: number;
  vmRssKb: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  exitCode: number;
}

function statusField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

const outPath = process.env['AIRLOCK_BENCH_PROBE_OUT'];
if (outPath !== undefined) {
  process.on('exit', (code) => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const cpu = process.cpuUsage();
    const record: ProbeRecord = {
      vmHwmKb: statusField(status, 'VmHWM'),
      vmRssKb: statusField(status, 'VmRSS'),
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      exitCode: code,
    };
    writeFileSync(outPath, JSON.stringify(record));
  });
}

// The CLI entry parses process.argv and sets process.exitCode; argv here is [node, this file, ...airlock args].
await import('../../src/cli/main.js');
