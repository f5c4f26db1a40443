// `airlock status`: per host, what the stack record says and what LXD says, read over SSH in two commands.
import pLimit from 'p-limit';
import { joinCommand } from '../util/shell.js';
import type { Connection } from '../connection/types.js';
import { liveRevision, parseStackRecord, stackRecordPath, type StackRecord } from './record.js';

export interface HostStackStatus {
  host: string;
  state: 'ok' | 'no-stack' | 'unreachable' | 'error';
  message?: string;
  revision?: number;
  bundleVersion?: string;
  versions?: Record<string, string>;
  /** containers of the live revision and whether each runs */
  containers?: Array<{ name: string; running: boolean }>;
  mispIp?: string;
  revisions?: Array<{ id: number; status: string; version: string }>;
}

interface LxcInstance {
  name: string;
  status: string;
}

export async function stackStatusOf(host: string, conn: Connection, project: string): Promise<HostStackStatus> {
  const read = await conn.exec(joinCommand(['cat', stackRecordPath(project)]));
  if (read.rc !== 0) {
    return /No such file/.test(read.stderr) ? { host, state: 'no-stack' } : { host, state: 'error', message: read.stderr.trim() };
  }
  let record: StackRecord;
  try {
    record = parseStackRecord(read.stdout, `${host}:${stackRecordPath(project)}`);
  } catch (error) {
    return { host, state: 'error', message: (error as Error).message };
  }
  const live = liveRevision(record);
  const listed = await conn.exec(joinCommand(['lxc', 'list', '--project', project, '--format', 'json']));
  const instances = listed.rc === 0 ? (JSON.parse(listed.stdout) as LxcInstance[]) : [];
  const running = new Map(instances.map((i) => [i.name, i.status === 'Running']));
  const containers = live ? live.roles.map((role) => live.containers[role] ?? role).map((name) => ({ name, running: running.get(name) ?? false })) : [];
  const status: HostStackStatus = {
    host,
    state: listed.rc === 0 ? 'ok' : 'error',
    revision: record.live,
    containers,
    mispIp: record.misp_ip,
    revisions: record.revisions.map((r) => ({ id: r.id, status: r.status, version: r.bundle.version })),
  };
  if (listed.rc !== 0) status.message = `lxc list: ${listed.stderr.trim()}`;
  if (live) {
    status.bundleVersion = live.bundle.version;
    status.versions = live.versions;
  }
  return status;
}

export async function stackStatuses(hosts: string[], connect: (host: string) => Promise<Connection>, project: string, forks: number): Promise<HostStackStatus[]> {
  const limit = pLimit(forks);
  return Promise.all(hosts.map((host) => limit(async () => {
    try {
      return await stackStatusOf(host, await connect(host), project);
    } catch (error) {
      return { host, state: 'unreachable' as const, message: (error as Error).message };
    }
  })));
}

/** A fixed-width table for the terminal. */
export function formatStatusTable(rows: HostStackStatus[]): string {
  const header = ['HOST', 'REVISION', 'BUNDLE', 'COMPONENTS', 'RUNNING', 'MISP'];
  const lines = rows.map((row) => {
    if (row.state === 'no-stack') return [row.host, '-', '-', 'no MISP stack', '-', '-'];
    if (row.state === 'unreachable' || (row.state === 'error' && row.revision === undefined)) return [row.host, '-', '-', `${row.state}: ${row.message ?? ''}`, '-', '-'];
    const running = row.containers ?? [];
    return [
      row.host,
      `r${row.revision}`,
      row.bundleVersion ?? '?',
      Object.entries(row.versions ?? {}).map(([c, v]) => `${c} ${v}`).join(', '),
      `${running.filter((c) => c.running).length}/${running.length}`,
      row.mispIp ? `https://${row.mispIp}` : '-',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  return [header, ...lines].map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}
