// Run a child process with a hard time limit and measure its wall time. A benchmark must never hang the shared
// machine: on timeout the whole process group is killed and the run fails loudly.
import { spawn } from 'node:child_process';

export interface TimedRun {
  wallMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number;
}

export interface TimedRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
  /** called once the child exists, e.g. to sample /proc/PID/status while it runs */
  onSpawn?: (pid: number) => void;
}

export function timedRun(command: string, args: readonly string[], options: TimedRunOptions): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      detached: true, // own process group, so a timeout kills ssh helpers (Ansible's forks) too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const pid = child.pid;
    if (pid === undefined) {
      reject(new Error(`${command}: could not start`));
      return;
    }
    options.onSpawn?.(pid);
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const result: TimedRun = { wallMs, code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), pid };
      if (signal === 'SIGKILL' && wallMs >= options.timeoutMs) {
        reject(new Error(`${command} ${args.join(' ')}: killed after the ${options.timeoutMs / 1000} s limit\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`));
        return;
      }
      resolve(result);
    });
  });
}
