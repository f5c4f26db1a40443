// The per-lab record of everything `up` created (netns, links, PIDs, files), kept in the lab's state dir so that
// `down`, `status` and ensureLab() work from any later process.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LabAddressing } from './naming.js';

export interface LabHostRecord {
  name: string;
  /** address the controller (or the jump host, for the behind-jump host) connects to */
  ip: string;
  netns: string;
  /** root-namespace veth end, absent for the behind-jump host (it hangs off the jump host only) */
  veth?: string;
  /** per-host state dir: sshd config, host key, overlay upper/work dirs, logs */
  dir: string;
  /** PID of the host's sshd (the boot process execs into it), recorded once it answers */
  sshdPid?: number;
  lxdPid?: number;
  role: 'host' | 'behind_jump';
}

export interface LabState {
  version: 1;
  name: string;
  phase: 'creating' | 'up';
  lxd: boolean;
  /** every host overlays /etc and /var/spool too (SYSTEM_FILES_OVERLAID_DIRS); absent in older records */
  systemFiles?: boolean;
  createdAt: string;
  addressing: LabAddressing;
  bridge: string;
  hosts: LabHostRecord[];
  stateDir: string;
  inventoryPath: string;
  knownHostsPath: string;
  privateKeyPath: string;
  sshConfigPath: string;
}

export interface LabPaths {
  projectRoot: string;
  stateDir: string;
  statePath: string;
  inventoryPath: string;
  knownHostsPath: string;
  privateKeyPath: string;
  authorizedKeysPath: string;
  sshConfigPath: string;
  bootScriptPath: string;
  launchScriptPath: string;
  hostsDir: string;
}

export function labPaths(name: string, projectRoot: string = process.cwd()): LabPaths {
  const root = resolve(projectRoot);
  const stateDir = join(root, '.airlock', 'lab', name);
  return {
    projectRoot: root,
    stateDir,
    statePath: join(stateDir, 'state.json'),
    inventoryPath: join(root, 'inventories', name === 'lab' ? 'lab.yml' : `lab-${name}.yml`),
    knownHostsPath: join(stateDir, 'known_hosts'),
    privateKeyPath: join(stateDir, 'id_ed25519'),
    authorizedKeysPath: join(stateDir, 'authorized_keys'),
    sshConfigPath: join(stateDir, 'ssh_config'),
    bootScriptPath: join(stateDir, 'boot.sh'),
    launchScriptPath: join(stateDir, 'launch.sh'),
    hostsDir: join(stateDir, 'hosts'),
  };
}

export async function readLabState(paths: LabPaths): Promise<LabState | undefined> {
  let text: string;
  try {
    text = await readFile(paths.statePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1) {
    throw new Error(`${paths.statePath}: not a lab state record this airlock understands`);
  }
  return parsed as LabState;
}

/** Written atomically: a crash mid-write must not lose the record of what needs tearing down. */
export async function writeLabState(paths: LabPaths, state: LabState): Promise<void> {
  await mkdir(paths.stateDir, { recursive: true });
  const temporary = `${paths.statePath}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, paths.statePath);
}
