// What tests do to a lab host from outside, without an SSH session of their own: take its link down, drop its
// sessions, look at its filesystem as its sshd sees it. Read from the lab's state record (src/lab/state.ts).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { LabInfo } from './lab.js';

interface LabStateHost {
  name: string;
  netns: string;
  sshdPid: number;
}

function hostRecord(lab: LabInfo, host: string): LabStateHost {
  const state = JSON.parse(readFileSync(`${lab.stateDir}/state.json`, 'utf8')) as { hosts: LabStateHost[] };
  const record = state.hosts.find((h) => h.name === host);
  if (!record) throw new Error(`no lab host ${host}`);
  return record;
}

/** Take a host's network link down (packets vanish silently, no FIN/RST) or bring it back up. */
export function setLink(lab: LabInfo, host: string, up: boolean): void {
  execFileSync('ip', ['netns', 'exec', hostRecord(lab, host).netns, 'ip', 'link', 'set', 'eth0', up ? 'up' : 'down']);
}

/** Kill every sshd session process of a host (not its listener): each open connection drops, the host stays up. */
export function dropSessions(lab: LabInfo, host: string): number {
  const record = hostRecord(lab, host);
  const pids = execFileSync('ip', ['netns', 'pids', record.netns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  let killed = 0;
  for (const pid of pids) {
    if (pid === record.sshdPid) continue;
    let comm = '';
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm !== 'sshd') continue;
    process.kill(pid, 'SIGKILL');
    killed++;
  }
  return killed;
}

/** A path on the host as its sshd sees it (its own mount namespace), readable from the controller. */
export function pathOnHost(lab: LabInfo, host: string, path: string): string {
  return `/proc/${hostRecord(lab, host).sshdPid}/root${path}`;
}

export interface ExtraSshd {
  port: number;
  stop(): void;
}

/**
 * A second sshd on a host, inside the host's own namespaces, with an edited copy of the host's configuration (e.g.
 * without an SFTP subsystem). Resolves once it accepts connections; stop() kills it.
 */
export async function startExtraSshd(lab: LabInfo, host: string, port: number, edit: (config: string) => string): Promise<ExtraSshd> {
  const record = hostRecord(lab, host);
  const hostDir = `${lab.stateDir}/hosts/${host}`;
  const configPath = `${hostDir}/sshd_config.port${port}`;
  const config = readFileSync(`${hostDir}/sshd_config`, 'utf8').replace(/^Port 22$/m, `Port ${port}`);
  writeFileSync(configPath, edit(config));
  const sshd = spawn('nsenter', ['-t', String(record.sshdPid), '-m', '-n', '-u', '/usr/sbin/sshd', '-D', '-e', '-f', configPath], { stdio: 'ignore' });
  const ip = /^ListenAddress (\S+)$/m.exec(config)?.[1];
  if (ip === undefined) throw new Error(`${hostDir}/sshd_config has no ListenAddress`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: ip, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (listening) break;
    if (sshd.exitCode !== null || Date.now() > deadline) {
      sshd.kill('SIGKILL');
      throw new Error(`the extra sshd on ${host}:${port} did not start (exit ${String(sshd.exitCode)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, stop: () => sshd.kill('SIGKILL') };
}

/** SIGKILL every process of a host whose command name is `comm` (e.g. the `ssh` client of a fan-out relay). */
export function killProcesses(lab: LabInfo, host: string, comm: string): number {
  const pids = execFileSync('ip', ['netns', 'pids', hostRecord(lab, host).netns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  let killed = 0;
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== comm) continue;
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}

/** The lab bridge in the root namespace: everything the controller sends to any lab host crosses it. */
export function labBridge(lab: LabInfo): string {
  return (JSON.parse(readFileSync(`${lab.stateDir}/state.json`, 'utf8')) as { bridge: string }).bridge;
}

/** Bytes the controller has sent into the lab so far, as the kernel counts them on the bridge (not as airlock does). */
export function bytesSentIntoLab(lab: LabInfo): number {
  return Number(readFileSync(`/sys/class/net/${labBridge(lab)}/statistics/tx_bytes`, 'utf8').trim());
}
