// Side-by-side: loading large inputs with airlock and with ansible-core on the same files, in the same run (issue
// 18: parsing must stay linear). Each workload is one generated file; both tools read it the way an operator would:
//   playbook  `airlock run F --syntax-check`        vs `ansible-playbook -i localhost, --syntax-check F`
//   inventory `airlock inventory -i F --list`        vs `ansible-inventory -i F --list`
// Workloads: a play with 30,000 vars (the case), and a 60 MB playbook and a 60 MB inventory (one mapping of
// ~880,000 vars each: the worst case for a per-mapping duplicate-key check). Peak RSS from GNU time (%M).
// Not part of npm test: `npm run build && node dist/bench/parse/run.js [--reps 3] [--big-reps 1] [--only small|big]`.
import { mkdirSync, openSync, writeSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedRun } from '../support/process.js';
import { coreCount, formatLoad, load1, loadIsHigh, type LoadSample } from '../support/machine.js';
import { median } from '../support/stats.js';

const WORK_DIR = '/var/tmp/airlock-bench-parse';
const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const AIRLOCK = join(PROJECT_ROOT, 'bin', 'airlock.js');
const TIMEOUT_MS = 30 * 60 * 1000;
const EMPTY_ANSIBLE_CFG = join(WORK_DIR, 'ansible.cfg');

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function count(name: string, fallback: number): number {
  const value = Number(option(name) ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: a positive integer, got '${option(name) ?? ''}'`);
  return value;
}

type Kind = 'playbook' | 'inventory';

interface Workload {
  name: string;
  kind: Kind;
  path: string;
  keys: number;
  bytes: number;
}

/** One mapping of `keys` vars (or until `minBytes`), written line by line: the file is larger than we want in memory. */
function writeVarsFile(path: string, kind: Kind, options: { keys?: number; minBytes?: number }): { keys: number; bytes: number } {
  const fd = openSync(path, 'w');
  const header = kind === 'playbook' ? '- hosts: all\n  gather_facts: false\n  vars:\n' : 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n  vars:\n';
  writeSync(fd, header);
  let keys = 0;
  let bytes = header.length;
  let batch = '';
  const more = (): boolean => (options.keys !== undefined ? keys < options.keys : bytes < (options.minBytes ?? 0));
  while (more()) {
    const line = `    var_${keys}: "value number ${keys} of the parse benchmark"\n`;
    batch += line;
    bytes += line.length;
    keys += 1;
    if (batch.length > 1 << 20) {
      writeSync(fd, batch);
      batch = '';
    }
  }
  const footer = kind === 'playbook' ? '  tasks:\n    - debug: msg=done\n' : '';
  writeSync(fd, batch + footer);
  closeSync(fd);
  return { keys, bytes: statSync(path).size };
}

function workloads(only: string | undefined): Workload[] {
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(EMPTY_ANSIBLE_CFG, '');
  const list: Workload[] = [];
  const add = (name: string, kind: Kind, options: { keys?: number; minBytes?: number }): void => {
    const path = join(WORK_DIR, `${name}.yml`);
    list.push({ name, kind, path, ...writeVarsFile(path, kind, options) });
  };
  if (only === undefined || only === 'small') {
    add('playbook-30k-vars', 'playbook', { keys: 30_000 });
    add('inventory-30k-vars', 'inventory', { keys: 30_000 });
  }
  if (only === undefined || only === 'big') {
    add('playbook-60MB', 'playbook', { minBytes: 60 * 1000 * 1000 });
    add('inventory-60MB', 'inventory', { minBytes: 60 * 1000 * 1000 });
  }
  return list;
}

interface Measured {
  wallMs: number;
  peakRssKb: number;
  load: LoadSample;
}

function commandFor(tool: 'airlock' | 'ansible', workload: Workload): { command: string; args: string[] } {
  // GNU time prints the peak RSS of the process tree's largest member as the last stderr line
  const timed = (command: string, args: string[]): { command: string; args: string[] } => ({ command: '/usr/bin/time', args: ['-f', 'PEAK_RSS_KB=%M', command, ...args] });
  if (tool === 'airlock') {
    return workload.kind === 'playbook'
      ? timed(process.execPath, [AIRLOCK, 'run', workload.path, '--syntax-check'])
      : timed(process.execPath, [AIRLOCK, 'inventory', '-i', workload.path, '--list']);
  }
  return workload.kind === 'playbook'
    ? timed('ansible-playbook', ['-i', 'localhost,', '--syntax-check', workload.path])
    : timed('ansible-inventory', ['-i', workload.path, '--list']);
}

async function measure(tool: 'airlock' | 'ansible', workload: Workload): Promise<Measured> {
  const { command, args } = commandFor(tool, workload);
  const before = load1();
  // an empty ansible.cfg: no operator configuration changes what Ansible does
  const run = await timedRun(command, args, { timeoutMs: TIMEOUT_MS, env: { ...process.env, ANSIBLE_CONFIG: EMPTY_ANSIBLE_CFG, ANSIBLE_NOCOLOR: '1' } });
  const load = { before, after: load1() };
  if (run.code !== 0) throw new Error(`${tool} on ${workload.name} exited ${run.code}: ${run.stderr.slice(-2000)}`);
  const peak = /PEAK_RSS_KB=(\d+)/.exec(run.stderr);
  return { wallMs: run.wallMs, peakRssKb: peak ? Number(peak[1]) : 0, load };
}

const reps = count('--reps', 3);
const bigReps = count('--big-reps', 1);
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

log(`bench/parse: ${coreCount()} cores, load ${load1().toFixed(1)}; writing workloads to ${WORK_DIR}`);
const results: Array<{ workload: Omit<Workload, 'path'>; airlock: Measured[]; ansible: Measured[] }> = [];
for (const workload of workloads(option('--only'))) {
  const n = workload.bytes > 10_000_000 ? bigReps : reps;
  log(`\n${workload.name}: ${workload.keys} keys, ${(workload.bytes / 1e6).toFixed(1)} MB, ${n} interleaved repetition(s)`);
  const airlock: Measured[] = [];
  const ansible: Measured[] = [];
  for (let i = 0; i < n; i += 1) {
    for (const [tool, into] of [['airlock', airlock], ['ansible', ansible]] as const) {
      const m = await measure(tool, workload);
      into.push(m);
      log(`  ${tool.padEnd(7)} ${(m.wallMs / 1000).toFixed(2)} s, peak RSS ${(m.peakRssKb / 1024).toFixed(0)} MB, ${formatLoad(m.load)}`);
    }
  }
  results.push({ workload: { name: workload.name, kind: workload.kind, keys: workload.keys, bytes: workload.bytes }, airlock, ansible });
}

log('\n| workload | keys | MB | airlock s | Ansible s | Ansible/airlock | airlock peak RSS MB | Ansible peak RSS MB | reliable |');
log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const a = median(r.airlock.map((m) => m.wallMs)) / 1000;
  const b = median(r.ansible.map((m) => m.wallMs)) / 1000;
  const unreliable = [...r.airlock, ...r.ansible].some((m) => loadIsHigh(m.load));
  log(`| ${r.workload.name} | ${r.workload.keys} | ${(r.workload.bytes / 1e6).toFixed(1)} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(b / a).toFixed(2)}x | ${(Math.max(...r.airlock.map((m) => m.peakRssKb)) / 1024).toFixed(0)} | ${(Math.max(...r.ansible.map((m) => m.peakRssKb)) / 1024).toFixed(0)} | ${unreliable ? 'UNRELIABLE (load > cores)' : 'yes'} |`);
}
const out = join(WORK_DIR, `results-${Date.now()}.json`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
log(`\nall figures: ${out}`);
