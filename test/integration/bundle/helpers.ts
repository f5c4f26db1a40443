// Shared by the bundle integration tests: small test images made here (random bytes for transfers, a busybox
// unified LXD image for imports), and a pool + inventory for a lab.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync, symlinkSync, copyFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadInventory } from '../../../src/inventory/load.js';
import { ConnectionPool } from '../../../src/connection/pool.js';
import type { Inventory } from '../../../src/inventory/types.js';
import type { Connection } from '../../../src/connection/types.js';
import type { LabInfo } from '../../support/lab.js';

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
