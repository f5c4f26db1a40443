// Side-by-side: one 1 GiB image to 8 lab hosts with `airlock` (bundle push: resumable SFTP + sha256 on each host)
// and with OpenSSH `scp` (8 parallel processes), in the same run. Prints both throughputs, the ratio and airlock's
// peak memory. Not part of npm test: run `node dist/bench/push/run.js [--size-mib N] [--hosts N]`.
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
const size = sizeMiB * 1024 * 1024;
const work = '/var/tmp/airlock-bench-push';
const imageName = 'MISP_v0.0.0_beec400.tar.gz';
const scpDest = '/srv/airlock-bench-scp';
const airlockDest = '/srv/airlock-bench-airlock';

const lab = await ensureLab({ name: 'bundle', hosts: hostCount });
const hosts = lab.hosts.slice(0, hostCount).map((h) => h.name);
mkdirSync(join(work, 'images'), { recursive: true });
const image = join(work, 'images', imageName);
if (!existsSync(image) || statSync(image).size !== size) writeRandomFile(image, size);
rmSync(join(work, 'bundle'), { recursive: true, force: true });
await buildFromImages(join(work, 'images'), { outDir: join(work, 'bundle'), version: 'bench' });
const bundle = await openBundle(join(work, 'bundle'));
const clients = await labClients(lab);
const clean = (): Promise<unknown> => Promise.all(hosts.map((h) => onHost(clients, h, sh`rm -rf ${scpDest} ${airlockDest}`)));
await clean();
await Promise.all(hosts.map((h) => onHost(clients, h, sh`mkdir -p ${scpDest}`)));

const total = size * hosts.length;
process.stdout.write(`bench/push: ${formatBytes(size)} to ${hosts.length} lab hosts (${formatBytes(total)} in all)\n`);

const hwmBefore = vmHwmBytes();
const airlockStart = Date.now();
const results = await pushBundle(bundle, hosts, { destDir: airlockDest, maxTransfers: hosts.length, connect: (h) => clients.connect(h) });
const airlockMs = Date.now() - airlockStart;
const failed = results.filter((r) => r.status !== 'changed');
if (failed.length > 0) throw new Error(`airlock push failed on ${failed.map((r) => `${r.host}: ${r.error ?? r.status}`).join('; ')}`);
const peak = vmHwmBytes();

const scpStart = Date.now();
await Promise.all(hosts.map((h) => run('scp', ['-q', '-F', lab.sshConfigPath, image, `${h}:${scpDest}/`])));
const scpMs = Date.now() - scpStart;

const airlockRate = (total * 1000) / airlockMs;
const scpRate = (total * 1000) / scpMs;
process.stdout.write(`airlock bundle push: ${(airlockMs / 1000).toFixed(1)} s, ${formatRate(total, airlockMs)} aggregate (includes sha256 on every host + atomic rename)\n`);
process.stdout.write(`scp (8 parallel):    ${(scpMs / 1000).toFixed(1)} s, ${formatRate(total, scpMs)} aggregate (no verification)\n`);
process.stdout.write(`ratio airlock/scp throughput: ${(airlockRate / scpRate).toFixed(2)}\n`);
process.stdout.write(`airlock peak memory (VmHWM): ${formatBytes(peak)} (before the push: ${formatBytes(hwmBefore)}); heap now ${formatBytes(process.memoryUsage().heapUsed)}\n`);

await clean();
await clients.close();
await bundle.close();
rmSync(join(work, 'bundle'), { recursive: true, force: true });
