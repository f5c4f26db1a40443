// `airlock lab status`: which hosts of a lab answer. sshd: a TCP connect to port 22 from the root namespace (the
// behind-jump host, unreachable from here by design, is checked from inside its namespace). LXD: an HTTP request
// to the host's own LXD unix socket, reached through /proc/PID/root (the host's mount namespace view).
import { request } from 'node:http';
import { tcpAnswers } from './commands.js';
import { listensOnPort } from './listening.js';
import { validateLabName } from './naming.js';
import { isRunning } from './processes.js';
import { labPaths, readLabState, type LabHostRecord, type LabState } from './state.js';

export interface LabHostStatus {
  name: string;
  ip: string;
  role: LabHostRecord['role'];
  sshd: boolean;
  /** undefined when the lab was brought up without LXD (or for the behind-jump host) */
  lxd: boolean | undefined;
}

export interface LabStatus {
  name: string;
  state: LabState | undefined;
  hosts: LabHostStatus[];
}

function lxdAnswers(sshdPid: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { socketPath: `/proc/${sshdPid}/root/var/lib/lxd/unix.socket`, path: '/1.0', method: 'GET', timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function sshdAnswers(host: LabHostRecord): Promise<boolean> {
  if (host.role === 'behind_jump') {
    return host.sshdPid !== undefined && isRunning(host.sshdPid) && listensOnPort(host.sshdPid, host.ip, 22);
  }
  return tcpAnswers(host.ip, 22, 1000);
}

export async function hostStatus(state: LabState, host: LabHostRecord): Promise<LabHostStatus> {
  const wantsLxd = state.lxd && host.role === 'host';
  const [sshd, lxd] = await Promise.all([
    sshdAnswers(host),
    wantsLxd && host.sshdPid !== undefined ? lxdAnswers(host.sshdPid, 2000) : Promise.resolve(wantsLxd ? false : undefined),
  ]);
  return { name: host.name, ip: host.ip, role: host.role, sshd, lxd };
}

export async function labStatus(options: { name: string; projectRoot?: string }): Promise<LabStatus> {
  validateLabName(options.name);
  const state = await readLabState(labPaths(options.name, options.projectRoot));
  if (state === undefined) return { name: options.name, state, hosts: [] };
  const hosts = await Promise.all(state.hosts.map((host) => hostStatus(state, host)));
  return { name: options.name, state, hosts };
}
