// Running commands inside an image rootfs at build time: /proc, /sys and /dev mounted while a step runs (apt and
// maintainer scripts need them), always unmounted afterwards, and no service started by dpkg (policy-rc.d).
import { existsSync } from 'node:fs';
import { writeFile, chmod, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

const MOUNTS: ReadonlyArray<{ dir: string; args: string[] }> = [
  { dir: 'proc', args: ['-t', 'proc', 'proc'] },
  { dir: 'sys', args: ['-t', 'sysfs', 'sysfs'] },
  { dir: 'dev', args: ['--bind', '/dev'] },
  { dir: 'dev/pts', args: ['--bind', '/dev/pts'] },
];

async function isMountpoint(path: string): Promise<boolean> {
  const result = await execa('mountpoint', ['-q', path], { reject: false });
  return result.exitCode === 0;
}

/** Stop dpkg from starting daemons in the build chroot (Debian's documented policy-rc.d hook). */
export async function denyServiceStarts(root: string): Promise<void> {
  const path = join(root, 'usr/sbin/policy-rc.d');
  await writeFile(path, '#!/bin/sh\n# image build: no service starts from dpkg\nexit 101\n');
  await chmod(path, 0o755);
}

/** Runs `fn` with the rootfs's pseudo file systems mounted and the build host's resolv.conf (for apt) in place. */
export async function withChroot<T>(root: string, fn: (run: (argv: string[], input?: string) => Promise<string>) => Promise<T>): Promise<T> {
  const mounted: string[] = [];
  try {
    for (const mount of MOUNTS) {
      const target = join(root, mount.dir);
      if (!existsSync(target) || (await isMountpoint(target))) continue;
      await execa('mount', [...mount.args, target]);
      mounted.push(target);
    }
    await copyFile('/etc/resolv.conf', join(root, 'etc/resolv.conf'));
    const run = async (argv: string[], input?: string): Promise<string> => {
      const result = await execa('chroot', [root, ...argv], {
        env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C.UTF-8', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
        extendEnv: false,
        ...(input === undefined ? {} : { input }),
      });
      return result.stdout;
    };
    return await fn(run);
  } finally {
    for (const target of mounted.reverse()) {
      await execa('umount', [target], { reject: false }).then(async (r) => {
        if (r.exitCode !== 0) await execa('umount', ['-l', target], { reject: false });
      });
    }
  }
}
