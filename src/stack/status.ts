// `airlock status`: per host, what the stack record says, what the operation record says (an operation under way or
// left unfinished), and what LXD says, read over SSH in three commands. A host is `ok` only when no operation is
// open, every container of its live revision runs and no container of a half-built revision is left.
import pLimit from 'p-limit';
import { joinCommand } from '../util/shell.js';
import type { Connection } from '../connection/types.js';
import { liveRevision, parseStackRecord, stackRecordPath, type StackRecord } from './record.js';
import { describeOperation, leaseHeld, operationPath, parseOperation, thisController, type StackOperation } from './operation.js';
import { parseOperationRead, readOperationCommand } from './operation-commands.js';
import { strayContainers } from './recovery.js';

export interface HostStackStatus {
  host: string;
  /** ok: all well; degraded: an operation open or left unfinished, a live container stopped, or stray containers */
  state: 'ok' | 'degraded' | 'no-stack' | 'unreachable' | 'error';
  message?: string;
  /** the operation record, when one is open on the host */
  operation?: StackOperation & { lease_held: boolean; lease_age_seconds: number; summary: string };
  /** containers named like a stack revision's that no recorded revision owns (a half-built revision) */
  stray?: string[];
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

async function openOperation(host: string, conn: Connection, project: string): Promise<HostStackStatus['operation']> {
  const path = operationPath(project);
  const read = await conn.exec(readOperationCommand(path));
  if (read.rc !== 0) throw new Error(`${host}:${path}: could not be read (rc ${read.rc}): ${read.stderr.trim()}`);
  const file = parseOperationRead(read.stdout, `${host}:${path}`);
  if (!file.record) return undefined;
  const operation = parseOperation(file.record.text, `${host}:${path}`);
  const age = file.nowS - file.record.mtimeS;
  const held = leaseHeld(operation, age, thisController());
  return { ...operation, lease_held: held, lease_age_seconds: age, summary: describeOperation(operation, held, file.nowS * 1000) };
}

function listInstances(stdout: string, host: string): LxcInstance[] {
  const value = JSON.parse(stdout) as unknown;
  if (!Array.isArray(value)) throw new Error(`${host}: lxc list did not return a list`);
  return value.map((i: { name?: unknown; status?: unknown }) => ({ name: String(i.name), status: String(i.status) }));
}

export async function stackStatusOf(host: string, conn: Connection, project: string): Promise<HostStackStatus> {
  let operation: HostStackStatus['operation'];
  try {
    operation = await openOperation(host, conn, project);
  } catch (error) {
    return { host, state: 'error', message: (error as Error).message };
  }
  const read = await conn.exec(joinCommand(['cat', stackRecordPath(project)]));
  let record: StackRecord | undefined;
  if (read.rc === 0) {
    try {
      record = parseStackRecord(read.stdout, `${host}:${stackRecordPath(project)}`);
    } catch (error) {
      return { host, state: 'error', message: (error as Error).message, ...(operation ? { operation } : {}) };
    }
  } else if (!/No such file/.test(read.stderr)) {
    return { host, state: 'error', message: read.stderr.trim() };
  }
  const listed = await conn.exec(joinCommand(['lxc', 'list', '--project', project, '--format', 'json']));
  let instances: LxcInstance[] = [];
  try {
    if (listed.rc === 0) instances = listInstances(listed.stdout, host);
  } catch (error) {
    return { host, state: 'error', message: (error as Error).message };
  }
  const stray = listed.rc === 0 ? strayContainers(record, instances) : [];
  if (!record) {
    if (!operation && stray.length === 0) return { host, state: 'no-stack' };
    return { host, state: 'degraded', stray, ...(operation ? { operation } : {}) };
  }
  const live = liveRevision(record);
  const running = new Map(instances.map((i) => [i.name, i.status === 'Running']));
  const containers = live ? live.roles.map((role) => live.containers[role] ?? role).map((name) => ({ name, running: running.get(name) ?? false })) : [];
  const healthy = live !== undefined && containers.every((c) => c.running) && stray.length === 0 && operation === undefined;
  const status: HostStackStatus = {
    host,
    state: listed.rc !== 0 ? 'error' : healthy ? 'ok' : 'degraded',
    revision: record.live,
    containers,
    stray,
    mispIp: record.misp_ip,
    revisions: record.revisions.map((r) => ({ id: r.id, status: r.status, version: r.bundle.version })),
  };
  if (operation) status.operation = operation;
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
    if (row.state === 'degraded' && row.revision === undefined) return [row.host, '-', '-', 'no stack recorded (an install did not finish)', '-', '-'];
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
  const notes = rows.flatMap((row) => [
    ...(row.operation ? [`${row.host}: ${row.operation.summary}${row.operation.lease_held ? '' : `; restore service: airlock rollback ${row.host}`}`] : []),
    ...(row.stray && row.stray.length > 0 ? [`${row.host}: containers of no recorded revision: ${row.stray.join(', ')}`] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const table = [header, ...lines].map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
  return notes.length > 0 ? `${table}\n\n${notes.join('\n')}` : table;
}
