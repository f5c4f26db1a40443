// Shared by the bundle integration tests: small test images made here (random bytes for transfers, a busybox
// unified LXD image for imports), and a pool + inventory for a lab.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync, symlinkSync, copyFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../../src/inventory/load.js';
import { ConnectionPool } from '../../../src/connection/pool.js';
import type { Inventory } from '../../../src/inventory/types.js';
import type { Connection } from '../../../src/connection/types.js';
import { ensureLab, type LabInfo } from '../../support/lab.js';
import { buildFromImages } from '../../../src/bundle/build.js';
import { openBundle, type OpenBundle } from '../../../src/bundle/bundle-dir.js';

/** A file of `size` random bytes, written 1 MiB at a time. */
export function writeRandomFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  try {
    for (let left = size; left > 0; left -= 1 << 20) writeSync(fd, randomBytes(Math.min(left, 1 << 20)));
  } finally {
    closeSync(fd);
  }
}

/** A unified LXD image: metadata.yaml + a busybox-static rootfs, tarred reproducibly. */
export function writeBusyboxImage(path: string, workDir: string, description: string): void {
  const root = join(workDir, `busybox-${description}`);
  const rootfs = join(root, 'rootfs');
  for (const dir of ['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'root']) mkdirSync(join(rootfs, dir), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  symlinkSync('busybox', join(rootfs, 'bin', 'sh'));
  symlinkSync('/bin/busybox', join(rootfs, 'sbin', 'init'));
  writeFileSync(join(rootfs, 'etc', 'airlock-test'), `${description}\n`);
  writeFileSync(join(root, 'metadata.yaml'), `architecture: x86_64\ncreation_date: 1767225600\nproperties:\n  description: ${description}\n  os: busybox\n`);
  execFileSync('tar', ['--sort=name', '--mtime=@1767225600', '--owner=0', '--group=0', '-czf', path, '-C', root, 'metadata.yaml', 'rootfs']);
}

export interface LabClients {
  inventory: Inventory;
  pool: ConnectionPool;
  connect(host: string): Promise<Connection>;
  close(): Promise<void>;
}

export async function labClients(lab: LabInfo): Promise<LabClients> {
  const inventory = await loadInventory([lab.inventoryPath]);
  // generous: the shared test machine can be heavily loaded, and a slow handshake is not what these tests check
  const pool = new ConnectionPool({ connectTimeoutMs: 30_000, resolveHostVars: (host) => inventory.hosts.get(host)?.vars });
  return {
    inventory,
    pool,
    connect: (host) => pool.get(host, inventory.hosts.get(host)?.vars ?? {}),
    close: () => pool.closeAll(),
  };
}

/** Run a command on a host, failing the test when it fails. */
export async function onHost(clients: LabClients, host: string, command: string): Promise<string> {
  const result = await (await clients.connect(host)).exec(command);
  if (result.rc !== 0) throw new Error(`${host}: ${command}: rc ${result.rc}: ${result.stderr}`);
  return result.stdout;
}

const AIRLOCK = fileURLToPath(new URL('../../../../bin/airlock.js', import.meta.url));

/** The built CLI in a process of its own, as an operator runs it; never rejects (the exit code is the answer). */
export function runAirlock(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [AIRLOCK, ...args], { maxBuffer: 16 * 1024 * 1024, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A one-task playbook: bundle_push on `hosts` with these arguments (written as YAML flow values). */
export function writePushPlaybook(path: string, hosts: readonly string[], args: Record<string, string | boolean | readonly string[]>): void {
  const lines = Object.entries(args).map(([key, value]) => `        ${key}: ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`);
  writeFileSync(path, [`- hosts: ${hosts.join(',')}`, '  gather_facts: false', '  tasks:', '    - bundle_push:', ...lines, ''].join('\n'));
}

export interface BundleLab {
  lab: LabInfo;
  clients: LabClients;
  /** the first `hosts` hosts of the lab */
  hosts: string[];
  /** a fresh temporary directory: images/ (random test images) and bundle/ (built from them) */
  work: string;
  bundleDir: string;
  bundle: OpenBundle;
}

/** A lab of `hosts` hosts and a bundle of random images (file name -> size) built for it. */
export async function bundleLab(name: string, hosts: number, images: Record<string, number>, version: string): Promise<BundleLab> {
  const lab = await ensureLab({ name, hosts });
  const clients = await labClients(lab);
  const work = mkdtempSync(join(tmpdir(), `airlock-${name}-it-`));
  mkdirSync(join(work, 'images'));
  for (const [file, size] of Object.entries(images)) writeRandomFile(join(work, 'images', file), size);
  const bundleDir = join(work, 'bundle');
  await buildFromImages(join(work, 'images'), { outDir: bundleDir, version });
  return { lab, clients, hosts: lab.hosts.slice(0, hosts).map((h) => h.name), work, bundleDir, bundle: await openBundle(bundleDir) };
}
