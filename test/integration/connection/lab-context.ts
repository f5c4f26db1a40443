// The connection tests' view of the SSH lab: host variables straight from the inventory the lab wrote, loaded by the
// real inventory loader, so the tests see exactly what `airlock run -i inventories/lab-conn.yml` sees.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { UnreachableError } from '../../../src/connection/errors.js';
import { loadInventory } from '../../../src/inventory/load.js';
import type { Vars } from '../../../src/inventory/types.js';
import { ConnectionPool, type ConnectionPoolOptions } from '../../../src/connection/pool.js';
import { ensureLab, type LabInfo } from '../../support/lab.js';

export const LAB_NAME = 'conn';
export const LAB_HOSTS = 50;

export interface LabContext {
  lab: LabInfo;
  vars(host: string): Vars;
  /** a pool that resolves inventory names used as jump hosts, as the executor's does */
  pool(options?: ConnectionPoolOptions): ConnectionPool;
}

let context: Promise<LabContext> | undefined;

export function labContext(): Promise<LabContext> {
  context ??= (async () => {
    const lab = await ensureLab({ name: LAB_NAME, hosts: LAB_HOSTS });
    const inventory = await loadInventory([lab.inventoryPath]);
    const vars = (host: string): Vars => {
      const found = inventory.hosts.get(host);
      if (!found) throw new Error(`lab inventory ${lab.inventoryPath} has no host ${host}`);
      return found.vars;
    };
    const resolveHostVars = (host: string): Vars | undefined => inventory.hosts.get(host)?.vars;
    return {
      lab,
      vars,
      // userKnownHostsFile: never read or write the operator's own ~/.ssh/known_hosts from tests
      pool: (options = {}) => new ConnectionPool({ userKnownHostsFile: '/nonexistent/airlock-test/known_hosts', resolveHostVars, ...options }),
    };
  })();
  return context;
}

interface LabStateHost {
  name: string;
  netns: string;
  sshdPid: number;
}

function netnsOf(lab: LabInfo, host: string): LabStateHost {
  const state = JSON.parse(readFileSync(`${lab.stateDir}/state.json`, 'utf8')) as { hosts: LabStateHost[] };
  const record = state.hosts.find((h) => h.name === host);
  if (!record) throw new Error(`no lab host ${host}`);
  return record;
}

/** Take a host's network link down (packets vanish silently, no FIN/RST) or bring it back up. */
export function setLink(lab: LabInfo, host: string, up: boolean): void {
  execFileSync('ip', ['netns', 'exec', netnsOf(lab, host).netns, 'ip', 'link', 'set', 'eth0', up ? 'up' : 'down']);
}

/** Kill every sshd session process of a host (not its listener): each open connection drops, the host stays up. */
export function dropSessions(lab: LabInfo, host: string): number {
  const record = netnsOf(lab, host);
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

/** The UnreachableError a connection attempt ends with (any other outcome fails the test). */
export async function rejection(promise: Promise<unknown>): Promise<UnreachableError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UnreachableError) return error;
    throw error;
  }
  throw new Error('expected an UnreachableError, the connection succeeded');
}
