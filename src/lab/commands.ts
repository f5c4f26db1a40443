// Running the machine's tools for the lab: argv arrays through execa (nothing is quoted by hand), and small
// readiness probes.
import { execa } from 'execa';
import { connect } from 'node:net';

/** Run a command; on failure, throw an error naming the command, exit code and stderr. */
export async function run(file: string, args: readonly string[], options: { input?: string } = {}): Promise<string> {
  const result = await execa(file, args, { input: options.input, stripFinalNewline: true });
  return result.stdout;
}

/** Run a command whose failure is expected and fine (cleanup of things that may not exist). */
export async function runQuietly(file: string, args: readonly string[], options: { input?: string } = {}): Promise<{ ok: boolean; stdout: string }> {
  const result = await execa(file, args, { input: options.input, reject: false, stripFinalNewline: true });
  return { ok: result.exitCode === 0, stdout: typeof result.stdout === 'string' ? result.stdout : '' };
}

/** Feed many `ip` commands to one `ip -batch` process: 200 hosts' links in one fork instead of hundreds. */
export async function ipBatch(lines: readonly string[], options: { force?: boolean } = {}): Promise<void> {
  if (lines.length === 0) return;
  const args = options.force ? ['-force', '-batch', '-'] : ['-batch', '-'];
  if (options.force) {
    await runQuietly('ip', args, { input: `${lines.join('\n')}\n` });
  } else {
    await run('ip', args, { input: `${lines.join('\n')}\n` });
  }
}

/** Does something accept a TCP connection at host:port (from the root namespace) within timeoutMs? */
export function tcpAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `probe` until it is true or the deadline passes. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
