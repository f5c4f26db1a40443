// ensureLab(): the one way tests (and `airlock demo`) get SSH (and LXD) hosts. Reuses a running lab of that name when
// it is big enough and every sshd answers; otherwise (re)creates it. It never skips: when the lab cannot be built
// (not root, a package missing) it throws, and whoever asked fails loudly.
import { fileURLToPath } from 'node:url';
import { labUp } from './up.js';
import { labPaths, readLabState, type LabState } from './state.js';
import { hostStatus } from './status.js';

export interface LabHostInfo {
  name: string;
  ip: string;
  /** the host's link to the lab bridge, root-namespace end: a test cuts the host off by setting it down */
  veth?: string;
}

export interface LabInfo {
  name: string;
  inventoryPath: string;
  knownHostsPath: string;
  privateKeyPath: string;
  /** ssh_config with every host as an alias: `ssh -F sshConfigPath NAME` */
  sshConfigPath: string;
  stateDir: string;
  lxd: boolean;
  /** each host has its own /etc and /var/spool */
  systemFiles: boolean;
  hosts: LabHostInfo[];
  /** the first host: the only one that reaches the behind-jump host */
  jumpHost: LabHostInfo;
  /** reachable only through jumpHost; `ip` and `internalIp` are the same address, on the jump-only link */
  behindJumpHost: LabHostInfo & { internalIp: string };
}

export interface EnsureLabOptions {
  name: string;
  hosts: number;
  lxd?: boolean;
  /** each host its own /etc and /var/spool: for playbooks that administer the host (user, group, hostname) */
  systemFiles?: boolean;
}

/** dist/src/lab/ensure.js -> the checkout root, so labs land in the same .airlock/ and inventories/ as the CLI's. */
const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const cache = new Map<string, Promise<LabInfo>>();

function toInfo(state: LabState): LabInfo {
  const hosts = state.hosts.filter((h) => h.role === 'host').map((h) => ({ name: h.name, ip: h.ip, ...(h.veth ? { veth: h.veth } : {}) }));
  const behind = state.hosts.find((h) => h.role === 'behind_jump');
  const jump = hosts[0];
  if (jump === undefined || behind === undefined) throw new Error(`lab ${state.name}: state record lacks its jump or behind-jump host`);
  return {
    name: state.name,
    inventoryPath: state.inventoryPath,
    knownHostsPath: state.knownHostsPath,
    privateKeyPath: state.privateKeyPath,
    sshConfigPath: state.sshConfigPath,
    stateDir: state.stateDir,
    lxd: state.lxd,
    systemFiles: state.systemFiles === true,
    hosts,
    jumpHost: jump,
    behindJumpHost: { name: behind.name, ip: behind.ip, internalIp: behind.ip },
  };
}

function satisfies(info: LabInfo, options: EnsureLabOptions): boolean {
  return info.hosts.length >= options.hosts && (!options.lxd || info.lxd) && (!options.systemFiles || info.systemFiles);
}

async function runningLab(options: EnsureLabOptions): Promise<LabState | undefined> {
  const state = await readLabState(labPaths(options.name, PROJECT_ROOT)).catch(() => undefined);
  if (state === undefined || state.phase !== 'up' || !satisfies(toInfo(state), options)) return undefined;
  const statuses = await Promise.all(state.hosts.map((host) => hostStatus(state, host)));
  const healthy = statuses.every((s) => s.sshd && (!options.lxd || s.lxd !== false));
  return healthy ? state : undefined;
}

async function bringUp(options: EnsureLabOptions): Promise<LabInfo> {
  const reusable = await runningLab(options);
  if (reusable) return toInfo(reusable);
  try {
    return toInfo(await labUp({ name: options.name, hosts: options.hosts, lxd: options.lxd ?? false, systemFiles: options.systemFiles ?? false, projectRoot: PROJECT_ROOT }));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `ensureLab: cannot bring up lab '${options.name}' (${options.hosts} hosts${options.lxd ? ', LXD' : ''}): ${why}`,
      { cause: error },
    );
  }
}

/** Cached per process and per lab name: the second call for the same (or a smaller) lab costs nothing. */
export async function ensureLab(options: EnsureLabOptions): Promise<LabInfo> {
  const cached = cache.get(options.name);
  if (cached) {
    const info = await cached.catch(() => undefined);
    if (info && satisfies(info, options)) return info;
  }
  const pending = bringUp(options);
  cache.set(options.name, pending);
  pending.catch(() => cache.delete(options.name));
  return pending;
}

/** For tests that take a lab down themselves: forget the cached answer so the next ensureLab() checks again. */
export function forgetLab(name: string): void {
  cache.delete(name);
}
