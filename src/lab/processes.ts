// Finding and ending the processes of a lab: everything running in the lab's network namespaces, and everything
// those processes started (LXD's container payloads live in namespaces of their own, but descend from LXD).
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { sleep } from './commands.js';

interface ProcessInfo {
  pid: number;
  ppid: number;
  state: string;
}

function readProcessTable(): ProcessInfo[] {
  const table: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so parse from the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.push({ pid: Number(entry), ppid: Number(fields[1]), state: fields[0] ?? '?' });
    } catch {
      // the process ended while we looked
    }
  }
  return table;
}

/** A PID that still names a running (not zombie) process. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Every process inside any of the named network namespaces, in one pass over /proc (`ip netns pids` per netns
 * would rescan /proc for each of 200 hosts).
 */
export function pidsInNetns(netnsNames: readonly string[]): number[] {
  const inodes = new Set<string>();
  for (const name of netnsNames) {
    try {
      inodes.add(`net:[${statSync(`/run/netns/${name}`).ino}]`);
    } catch {
      // already deleted
    }
  }
  if (inodes.size === 0) return [];
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (inodes.has(readlinkSync(`/proc/${entry}/ns/net`))) found.push(Number(entry));
    } catch {
      // ended while we looked, or a kernel thread
    }
  }
  return found;
}

/** The given PIDs plus all their descendants. */
export function withDescendants(roots: readonly number[]): number[] {
  const table = readProcessTable();
  const children = new Map<number, number[]>();
  for (const p of table) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const found = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop();
    if (pid === undefined || found.has(pid)) continue;
    found.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return [...found];
}

/** SIGKILL (a lab has nothing to save) and wait until the processes are gone. Returns PIDs that would not die. */
export async function killAndWait(pids: readonly number[], timeoutMs = 10_000): Promise<number[]> {
  const own = process.pid;
  const targets = pids.filter((pid) => pid > 1 && pid !== own);
  for (const pid of targets) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  let alive = targets.filter(isRunning);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(25);
    alive = alive.filter(isRunning);
  }
  return alive;
}
