// Side-by-side: one 1 GiB image to 8 lab hosts with `airlock` (bundle push: resumable SFTP + sha256 on each host)
// and with OpenSSH `scp` (8 parallel processes), in the same run. Prints both throughputs, the ratio and airlock's
// peak memory. Not part of npm test: run `node dist/bench/push/run.js [--size-mib N] [--hosts N] [--reps N] [--lab NAME]`
// (--lab: a lab of that name, default `bundle`; lab names are machine-wide, so parallel sessions pick their own).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLab } from '../../test/support/lab.js';
import { labClients, onHost, writeRandomFile } from '../../test/integration/bundle/helpers.js';
import { buildFromImages } from '../../src/bundle/build.js';
import { openBundle } from '../../src/bundle/bundle-dir.js';
import { pushBundle } from '../../src/bundle/push.js';
import { formatBytes, formatRate } from '../../src/bundle/format.js';
import { sh } from '../../src/util/shell.js';
import { load1 } from '../support/machine.js';
import { median } from '../support/stats.js';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function vmHwmBytes(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, (error, _stdout, stderr) => (error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr}`)) : resolve()));
  });
}

const sizeMiB = arg('--size-mib', 1024);
const hostCount = arg('--hosts', 8);
const reps = arg('--reps', 3);
const labIndex = process.argv.indexOf('--lab');
const labName = labIndex >= 0 ? (process.argv[labIndex + 1] ?? 'bundle') : 'bundle';
const size = sizeMiB * 1024 * 1024;
const work = '/var/tmp/airlock-bench-push';
const imageName = 'MISP_v0.0.0_beec400.tar.gz';
const scpDest = '/srv/airlock-bench-scp';
const airlockDest = '/srv/airlock-bench-airlock';

const lab = await ensureLab({ name: labName, hosts: hostCount });
const hosts = lab.hosts.slice(0, hostCount).map((h) => h.name);
mkdirSync(join(work, 'images'), { recursive: true });
const image = join(work, 'images', imageName);
if (!existsSync(image) || statSync(image).size !== size) writeRandomFile(image, size);
rmSync(join(work, 'bundle'), { recursive: true, force: true });
await buildFromImages(join(work, 'images'), { outDir: join(work, 'bundle'), version: 'bench' });
const bundle = await openBundle(join(work, 'bundle'));
const clients = await labClients(lab);
const clean = (): Promise<unknown> => Promise.all(hosts.map((h) => onHost(clients, h, sh`rm -rf ${scpDest} ${airlockDest}`)));

const total = size * hosts.length;
process.stdout.write(`bench/push: ${formatBytes(size)} to ${hosts.length} lab hosts (${formatBytes(total)} in all), ${reps} interleaved repetitions\n`);

async function pushWithAirlock(): Promise<number> {
  const started = Date.now();
  const results = await pushBundle(bundle, hosts, { destDir: airlockDest, maxTransfers: hosts.length, connect: (h) => clients.connect(h) });
  const elapsed = Date.now() - started;
  const failed = results.filter((r) => r.status !== 'changed');
  if (failed.length > 0) throw new Error(`airlock push failed on ${failed.map((r) => `${r.host}: ${r.error ?? r.status}`).join('; ')}`);
  return elapsed;
}

async function pushWithScp(): Promise<number> {
  const started = Date.now();
  await Promise.all(hosts.map((h) => run('scp', ['-q', '-F', lab.sshConfigPath, image, `${h}:${scpDest}/`])));
  return Date.now() - started;
}

const hwmBefore = vmHwmBytes();
const airlockMs: number[] = [];
const scpMs: number[] = [];
for (let rep = 1; rep <= reps; rep += 1) {
  // every repetition starts from empty destinations: nothing skipped, nothing resumed
  await clean();
  await Promise.all(hosts.map((h) => onHost(clients, h, sh`mkdir -p ${scpDest}`)));
  const loadBefore = load1();
  airlockMs.push(await pushWithAirlock());
  scpMs.push(await pushWithScp());
  process.stdout.write(`  rep ${rep}: airlock ${((airlockMs.at(-1) ?? 0) / 1000).toFixed(1)} s, scp ${((scpMs.at(-1) ?? 0) / 1000).toFixed(1)} s (load ${loadBefore.toFixed(1)} -> ${load1().toFixed(1)})\n`);
}
const peak = vmHwmBytes();

const airlockMedian = median(airlockMs);
const scpMedian = median(scpMs);
const airlockRate = (total * 1000) / airlockMedian;
const scpRate = (total * 1000) / scpMedian;
process.stdout.write(`airlock bundle push: median ${(airlockMedian / 1000).toFixed(1)} s, ${formatRate(total, airlockMedian)} aggregate (sha256 computed on every host while receiving + atomic rename)\n`);
process.stdout.write(`scp (${hosts.length} parallel):    median ${(scpMedian / 1000).toFixed(1)} s, ${formatRate(total, scpMedian)} aggregate (no verification)\n`);
process.stdout.write(`ratio airlock/scp throughput: ${(airlockRate / scpRate).toFixed(2)} (target >= 1)\n`);
process.stdout.write(`airlock peak memory (VmHWM): ${formatBytes(peak)} (before the first push: ${formatBytes(hwmBefore)}; target < 200 MB)\n`);

await clean();
await clients.close();
await bundle.close();
rmSync(join(work, 'bundle'), { recursive: true, force: true });
