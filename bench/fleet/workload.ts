// The one workload every contender runs: 10 command/shell tasks and one copy of a small file, on the first N hosts
// of the bench lab. The same command strings feed the playbook (airlock and Ansible) and the ssh2 ceiling, so the
// three measure the same remote work.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { joinCommand } from '../../src/util/shell.js';

export interface WorkloadTask {
  module: 'command' | 'shell';
  /** what the host runs; for `command` these are plain words with no shell syntax */
  cmd: string;
}

/** Ten light commands: the benchmark measures orchestration overhead, not the commands themselves. */
export const COMMAND_TASKS: readonly WorkloadTask[] = [
  { module: 'command', cmd: 'true' },
  { module: 'command', cmd: 'uname -r' },
  { module: 'shell', cmd: 'echo hello && date +%s' },
  { module: 'command', cmd: 'hostname' },
  { module: 'shell', cmd: "cut -d' ' -f1 /proc/loadavg" },
  { module: 'command', cmd: 'id -u' },
  { module: 'shell', cmd: 'ls /etc | wc -l' },
  { module: 'command', cmd: 'test -d /srv' },
  { module: 'shell', cmd: 'echo bench > /srv/airlock-bench-marker' },
  { module: 'command', cmd: 'cat /srv/airlock-bench-marker' },
];

/**
 * The command line a host must run for `task`, by any orchestrator that keeps the module's contract: a `command`
 * task's words as they are (the login shell runs them), a `shell` task's text through `/bin/sh -c` (the shell module
 * promises /bin/sh, whatever the user's login shell is: Ansible's shell module runs the same). The ceiling runs these.
 */
export function remoteCommandLine(task: WorkloadTask): string {
  return task.module === 'shell' ? joinCommand(['/bin/sh', '-c', task.cmd]) : task.cmd;
}

/** 4 KiB: "a small file" (a config file's size) */
export const COPY_CONTENT = `${'airlock bench small file\n'.repeat(170)}`.slice(0, 4096);

export interface WorkloadFiles {
  dir: string;
  /** 10 command/shell tasks + 1 copy */
  fleetPlaybook: string;
  /** 10 command/shell tasks only (bench/memory) */
  commandsPlaybook: string;
  copySource: string;
}

/** Each run copies to its own destination (`-e bench_run=ID`), so every run really transfers: none sees `ok`. */
export function copyDestination(runId: string): string {
  return `/srv/airlock-bench-copy-${runId}.txt`;
}

function play(withCopy: boolean): unknown[] {
  const tasks: Record<string, unknown>[] = COMMAND_TASKS.map((task, index) => ({ name: `step ${index + 1}`, [task.module]: task.cmd }));
  if (withCopy) tasks.push({ name: 'copy a small file', copy: { src: 'files/bench.txt', dest: '/srv/airlock-bench-copy-{{ bench_run }}.txt', mode: '0644' } });
  return [{ name: 'bench fleet', hosts: 'all', gather_facts: false, tasks }];
}

export function writeWorkload(dir: string): WorkloadFiles {
  mkdirSync(join(dir, 'files'), { recursive: true });
  const copySource = join(dir, 'files', 'bench.txt');
  writeFileSync(copySource, COPY_CONTENT);
  const fleetPlaybook = join(dir, 'fleet.yml');
  const commandsPlaybook = join(dir, 'commands.yml');
  writeFileSync(fleetPlaybook, stringify(play(true)));
  writeFileSync(commandsPlaybook, stringify(play(false)));
  return { dir, fleetPlaybook, commandsPlaybook, copySource };
}

interface LabInventoryShape {
  all: { vars: Record<string, unknown>; children: { lab: { hosts: Record<string, { ansible_host: string }> } } };
}

function isLabInventory(value: unknown): value is LabInventoryShape {
  const all = (value as { all?: { vars?: unknown; children?: { lab?: { hosts?: unknown } } } } | null)?.all;
  return typeof all?.vars === 'object' && typeof all.children?.lab?.hosts === 'object';
}

export interface SubsetInventory {
  path: string;
  hosts: Array<{ name: string; ip: string }>;
}

/**
 * The first `count` hosts of the lab inventory, with the lab's own vars (user, key, known_hosts), as one YAML file
 * both airlock and Ansible read. The behind-jump host is left out: it is not a fleet member.
 */
export function writeSubsetInventory(labInventory: string, count: number, dir: string): SubsetInventory {
  const parsed: unknown = parse(readFileSync(labInventory, 'utf8'));
  if (!isLabInventory(parsed)) throw new Error(`${labInventory}: not the lab inventory layout (all.vars, all.children.lab.hosts)`);
  const names = Object.keys(parsed.all.children.lab.hosts).filter((name) => /-h\d{3}$/.test(name)).slice(0, count);
  if (names.length < count) throw new Error(`${labInventory}: ${names.length} hosts, the bench wants ${count}`);
  const hosts: Record<string, { ansible_host: string }> = {};
  for (const name of names) hosts[name] = parsed.all.children.lab.hosts[name] as { ansible_host: string };
  // Ansible must not spend a round trip per host discovering Python: name it, as a tuned Ansible setup would.
  const vars = { ...parsed.all.vars, ansible_python_interpreter: '/usr/bin/python3' };
  const path = join(dir, `inventory-${count}.yml`);
  writeFileSync(path, stringify({ all: { vars, children: { fleet: { hosts } } } }));
  return { path, hosts: names.map((name) => ({ name, ip: hosts[name]?.ansible_host ?? '' })) };
}
