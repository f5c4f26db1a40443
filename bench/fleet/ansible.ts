// Contender (b): ansible-playbook (Debian's ansible-core 2.14) tuned as a careful operator would tune it: forks = N,
// pipelining, ControlPersist, no fact gathering (in the playbook), Python named in the inventory, host-key checking
// ON against the lab's known_hosts. Every run starts cold: its own ControlPath directory, masters closed after.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timedRun } from '../support/process.js';
import { CONNECT_TIMEOUT_S } from './airlock.js';

export const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';

export interface AnsibleRunOptions {
  playbook: string;
  inventory: string;
  forks: number;
  runId: string;
  knownHostsPath: string;
  workDir: string;
  timeoutMs: number;
}

export interface AnsibleRun {
  wallMs: number;
  /** user + system CPU of ansible-playbook and every fork and ssh it waited for (GNU time) */
  cpuMs?: number;
  stdout: string;
}

const GNU_TIME = '/usr/bin/time';
const CPU_MARK = 'airlock-bench-cpu';

/** GNU time's line `airlock-bench-cpu USER SYS` at the end of stderr. */
function cpuFromStderr(stderr: string): number | undefined {
  const match = new RegExp(`${CPU_MARK} ([\\d.]+) ([\\d.]+)`).exec(stderr);
  return match ? (Number(match[1]) + Number(match[2])) * 1000 : undefined;
}

function ansibleEnv(options: AnsibleRunOptions, controlDir: string, configPath: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANSIBLE_CONFIG: configPath, // our config only: no ansible.cfg from the cwd or /etc changes the figures
    ANSIBLE_FORKS: String(options.forks),
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_SSH_ARGS: `-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${options.knownHostsPath} -o StrictHostKeyChecking=yes`,
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_TIMEOUT: String(CONNECT_TIMEOUT_S), // the same connect timeout airlock gets
    ANSIBLE_NOCOLOR: 'True',
    ANSIBLE_LOCAL_TEMP: join(options.workDir, 'ansible-local-tmp'),
  };
}

/** Close the ControlPersist masters of one run, so they neither serve the next run nor linger on the machine. */
async function closeMasters(controlDir: string): Promise<void> {
  if (!existsSync(controlDir)) return;
  const sockets = readdirSync(controlDir);
  await Promise.all(
    sockets.map((socket) =>
      timedRun('ssh', ['-o', `ControlPath=${join(controlDir, socket)}`, '-O', 'exit', 'bench-master'], { timeoutMs: 15_000 }).catch(() => undefined),
    ),
  );
  rmSync(controlDir, { recursive: true, force: true });
}

export async function runAnsible(options: AnsibleRunOptions): Promise<AnsibleRun> {
  const controlDir = join(options.workDir, `ansible-cp-${options.runId}`);
  mkdirSync(controlDir, { recursive: true });
  const configPath = join(options.workDir, 'ansible.cfg');
  writeFileSync(configPath, '[defaults]\n');
  try {
    const timed = existsSync(GNU_TIME);
    const run = await timedRun(
      timed ? GNU_TIME : ANSIBLE_PLAYBOOK,
      [...(timed ? ['-f', `${CPU_MARK} %U %S`, ANSIBLE_PLAYBOOK] : []), options.playbook, '-i', options.inventory, '-f', String(options.forks), '-e', `bench_run=${options.runId}`],
      { cwd: options.workDir, timeoutMs: options.timeoutMs, env: ansibleEnv(options, controlDir, configPath) },
    );
    if (run.code !== 0) {
      throw new Error(`ansible-playbook exited ${String(run.code)}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
    }
    const cpuMs = cpuFromStderr(run.stderr);
    return { wallMs: run.wallMs, stdout: run.stdout, ...(cpuMs === undefined ? {} : { cpuMs }) };
  } finally {
    await closeMasters(controlDir);
  }
}
