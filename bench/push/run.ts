// Side-by-side, in one run: one image to 8 lab hosts by (a) direct `bundle push` (the workstation sends every copy,
// hashed on each host while receiving), (b) `bundle push --fan-out` (the workstation sends it once, hosts relay
// verified copies to each other) and (c) 8 parallel OpenSSH `scp`, each on an open link and with the workstation's
// link limited to 100 Mbit/s (tc on the controller's side of the lab bridge: host-to-host traffic stays unlimited,
// as in an enclave with a fast backbone and a workstation on one link). Prints wall times, the speed-ups, the bytes
// the workstation put on the bridge (the kernel's count) and airlock's peak memory.
// Not part of npm test: `node dist/bench/push/run.js [--size-mib N] [--hosts N] [--reps N] [--lab NAME] [--rate 100mbit]
// [--only limited|open]` (--lab: a lab of that name, default `bundle`; lab names are machine-wide).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLab } from '../../test/support/lab.js';
import { bytesSentIntoLab, labBridge } from '../../test/support/lab-hosts.js';
import { labClients, onHost, writeRandomFile } from '../../test/integration/bundle/helpers.js';
import { buildFromImages } from '../../src/bundle/build.js';
import { openBundle } from '../../src/bundle/bundle-dir.js';
import { pushBundle, type BundlePushOptions, type HostPushResult } from '../../src/bundle/push.js';
import { pushBundleFanOut } from '../../src/bundle/fanout.js';
import { fanOutTarget } from '../../src/bundle/fanout-target.js';
import { formatBytes, formatRate } from '../../src/bundle/format.js';
import { sh } from '../../src/util/shell.js';
import { load1 } from '../support/machine.js';
import { median } from '../support/stats.js';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
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

const sizeMiB = Number(arg('--size-mib', '256'));
const hostCount = Number(arg('--hosts', '8'));
const reps = Number(arg('--reps', '1'));
const labName = arg('--lab', 'bundle');
const rate = arg('--rate', '100mbit');
const only = arg('--only', '');
const size = sizeMiB * 1024 * 1024;
const work = '/var/tmp/airlock-bench-push';
const imageName = 'MISP_v0.0.0_beec400.tar.gz';
const dest = { direct: '/srv/airlock-bench-direct', fanout: '/srv/airlock-bench-fanout', scp: '/srv/airlock-bench-scp' };

const lab = await ensureLab({ name: labName, hosts: hostCount });
const bridge = labBridge(lab);
const hosts = lab.hosts.slice(0, hostCount).map((h) => h.name);
mkdirSync(join(work, 'images'), { recursive: true });
const image = join(work, 'images', imageName);
if (!existsSync(image) || statSync(image).size !== size) writeRandomFile(image, size);
rmSync(join(work, 'bundle'), { recursive: true, force: true });
await buildFromImages(join(work, 'images'), { outDir: join(work, 'bundle'), version: 'bench' });
const bundle = await openBundle(join(work, 'bundle'));
const clients = await labClients(lab);
const clean = (): Promise<unknown> => Promise.all(hosts.map((h) => onHost(clients, h, sh`rm -rf ${Object.values(dest)} && mkdir -p ${dest.scp}`)));
const total = size * hosts.length;

function common(destDir: string): BundlePushOptions {
  return { destDir, maxTransfers: hosts.length, connect: (h) => clients.connect(h), reconnect: (h) => clients.connect(h) };
}

function requireChanged(what: string, results: readonly HostPushResult[]): void {
  const failed = results.filter((r) => r.status !== 'changed');
  if (failed.length > 0) throw new Error(`${what} failed on ${failed.map((r) => `${r.host}: ${r.error ?? r.status}`).join('; ')}`);
}

interface Measured { ms: number; wire: number }

/** Wall time and the bytes the kernel counted leaving the controller for the lab while `send` ran. */
async function measure(send: () => Promise<void>): Promise<Measured> {
  const before = bytesSentIntoLab(lab);
  const started = Date.now();
  await send();
  return { ms: Date.now() - started, wire: bytesSentIntoLab(lab) - before };
}

const methods: Record<'direct' | 'fanout' | 'scp', () => Promise<void>> = {
  direct: async () => requireChanged('direct push', await pushBundle(bundle, hosts, common(dest.direct))),
  fanout: async () => requireChanged('fan-out push', await pushBundleFanOut(bundle, hosts, {
    ...common(dest.fanout), target: (h) => fanOutTarget(h, clients.inventory.hosts.get(h)?.vars ?? {}),
  })),
  scp: async () => { await Promise.all(hosts.map((h) => run('scp', ['-q', '-F', lab.sshConfigPath, image, `${h}:${dest.scp}/`]))); },
};

/** The workstation's link at `rate` for controller -> lab only: a token bucket on the bridge's egress in the root namespace. */
async function limitLink(on: boolean): Promise<void> {
  if (on) await run('tc', ['qdisc', 'replace', 'dev', bridge, 'root', 'tbf', 'rate', rate, 'burst', '256kb', 'latency', '100ms']);
  else await run('tc', ['qdisc', 'del', 'dev', bridge, 'root']).catch(() => undefined);
}

process.stdout.write(`bench/push: ${formatBytes(size)} to ${hosts.length} lab hosts (${formatBytes(total)} in all), ${reps} repetition(s), limit ${rate} on ${bridge}\n`);
const hwmBefore = vmHwmBytes();
const conditions = (['open', 'limited'] as const).filter((c) => only === '' || only === c);
const figures = new Map<string, Measured[]>();
try {
  for (const condition of conditions) {
    await limitLink(condition === 'limited');
    for (let rep = 1; rep <= reps; rep += 1) {
      for (const method of ['direct', 'fanout', 'scp'] as const) {
        // every measurement starts from empty destinations: nothing skipped, nothing resumed
        await clean();
        const loadBefore = load1();
        const m = await measure(methods[method]);
        figures.set(`${condition} ${method}`, [...(figures.get(`${condition} ${method}`) ?? []), m]);
        process.stdout.write(`  ${condition.padEnd(7)} rep ${rep} ${method.padEnd(6)} ${(m.ms / 1000).toFixed(1).padStart(6)} s, ${formatBytes(m.wire)} on the bridge (${(m.wire / size).toFixed(2)}x the image; load ${loadBefore.toFixed(1)} -> ${load1().toFixed(1)})\n`);
      }
    }
  }
} finally {
  await limitLink(false);
}
const peak = vmHwmBytes();

const med = (key: string): number => median((figures.get(key) ?? []).map((m) => m.ms));
for (const condition of conditions) {
  process.stdout.write(`${condition === 'open' ? 'open link' : `workstation link limited to ${rate}`}:\n`);
  for (const method of ['direct', 'fanout', 'scp'] as const) {
    const ms = med(`${condition} ${method}`);
    const wire = median((figures.get(`${condition} ${method}`) ?? []).map((m) => m.wire));
    process.stdout.write(`  ${method.padEnd(6)} median ${(ms / 1000).toFixed(1).padStart(6)} s, ${formatRate(total, ms).padStart(11)} aggregate, workstation sent ${(wire / size).toFixed(2)}x the image\n`);
  }
  process.stdout.write(`  fan-out speed-up over direct: ${(med(`${condition} direct`) / med(`${condition} fanout`)).toFixed(2)}x${condition === 'limited' ? ' (target >= 4)' : ''}; direct/scp throughput ${(med(`${condition} scp`) / med(`${condition} direct`)).toFixed(2)}${condition === 'open' ? ' (target >= 1)' : ''}\n`);
}
process.stdout.write(`airlock peak memory (VmHWM): ${formatBytes(peak)} (before the first push: ${formatBytes(hwmBefore)}; target < 200 MB)\n`);

await clean();
await Promise.all(hosts.map((h) => onHost(clients, h, sh`rm -rf ${Object.values(dest)}`)));
await clients.close();
await bundle.close();
rmSync(join(work, 'bundle'), { recursive: true, force: true });
