// What `lab up` needs from the machine, checked before anything is created, with errors that say how to fix it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { OVERLAID_DIRS, LXD_EXTRA_OVERLAID_DIRS, SYSTEM_FILES_OVERLAID_DIRS } from './boot-script.js';

/** A problem with the machine (not with the operator's input): not root, a package missing. */
export class LabPrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabPrerequisiteError';
  }
}

interface RequiredBinary {
  binary: string;
  debianPackage: string;
}

const BASE_BINARIES: RequiredBinary[] = [
  { binary: 'sshd', debianPackage: 'openssh-server' },
  { binary: 'ssh-keygen', debianPackage: 'openssh-client' },
  { binary: 'ip', debianPackage: 'iproute2' },
  { binary: 'unshare', debianPackage: 'util-linux' },
  { binary: 'nsenter', debianPackage: 'util-linux' },
];
const LXD_BINARIES: RequiredBinary[] = [
  { binary: 'lxd', debianPackage: 'lxd' },
  { binary: 'lxc', debianPackage: 'lxd-client' },
  { binary: 'dnsmasq', debianPackage: 'dnsmasq-base' },
];

const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function findBinary(binary: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SEARCH_PATH];
  for (const dir of dirs) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function requireRoot(action: string): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new LabPrerequisiteError(
      `${action} needs root (it creates network namespaces, bridges and mounts); run it as root, e.g. with sudo`,
    );
  }
}

export function requireBinaries(lxd: boolean): void {
  const missing = [...BASE_BINARIES, ...(lxd ? LXD_BINARIES : [])].filter((b) => findBinary(b.binary) === undefined);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((b) => b.debianPackage))];
    throw new LabPrerequisiteError(
      `missing ${missing.map((b) => `'${b.binary}'`).join(', ')}: install the Debian package(s) with ` +
        `apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    );
  }
}

/**
 * The state dir holds the overlay upper dirs and is read by sshd after the overlays are mounted, so it must not
 * live under an overlaid path; overlay mount options also cannot carry ',' or ':' in paths.
 */
export function requireUsableStateDir(stateDir: string): void {
  for (const dir of [...OVERLAID_DIRS, ...LXD_EXTRA_OVERLAID_DIRS, ...SYSTEM_FILES_OVERLAID_DIRS]) {
    if (stateDir === dir || stateDir.startsWith(`${dir}/`)) {
      throw new LabPrerequisiteError(
        `lab state dir ${stateDir} is under ${dir}, which every lab host overlays; run airlock lab from a checkout elsewhere`,
      );
    }
  }
  if (!/^[A-Za-z0-9_./-]+$/.test(stateDir)) {
    throw new LabPrerequisiteError(`lab state dir ${stateDir} has characters overlay mounts cannot take; use a plain path`);
  }
}
