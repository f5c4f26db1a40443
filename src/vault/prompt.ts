// Asking for a password on the terminal without echo, as getpass does. Without a terminal on stdin the answer is
// read as one line from stdin (getpass's fallback), so that scripts and tests can pipe it in.
import { createInterface } from 'node:readline';

let pendingLines: string[] = [];
let stdinEnded = false;
let waiting: ((line: string | undefined) => void) | undefined;
let reader: ReturnType<typeof createInterface> | undefined;

/** stdin read once, line by line, shared by every prompt of the process (several vault ids may prompt in turn). */
function nextStdinLine(): Promise<string | undefined> {
  if (reader === undefined && !stdinEnded) {
    const lines = createInterface({ input: process.stdin, terminal: false });
    reader = lines;
    lines.on('line', (line) => {
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve(line);
      } else pendingLines.push(line);
    });
    lines.on('close', () => {
      if (reader !== lines) return; // let go of on purpose (releasePromptInput), not the end of input
      stdinEnded = true;
      waiting?.(undefined);
      waiting = undefined;
    });
  }
  const [first, ...rest] = pendingLines;
  if (first !== undefined) {
    pendingLines = rest;
    return Promise.resolve(first);
  }
  if (stdinEnded) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    waiting = resolve;
  });
}

function readHidden(): Promise<string | undefined> {
  const stdin = process.stdin;
  return new Promise((resolve) => {
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (answer: string | undefined): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      resolve(answer);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done(typed);
        if (char === '\u0004') return done(typed === '' ? undefined : typed); // ctrl-d
        if (char === '\u0003') {
          done(undefined);
          process.exit(130); // ctrl-c while asking: leave like an interrupted run
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** Lets go of stdin once the prompts are answered, so that an open pipe does not keep the process alive. */
export function releasePromptInput(): void {
  const lines = reader;
  reader = undefined;
  lines?.close();
}

/** The answer, or undefined at end of input (ctrl-d); `hidden: false` echoes (encrypt_string --show-input). */
export async function promptLine(question: string, options: { hidden: boolean } = { hidden: true }): Promise<string | undefined> {
  process.stderr.write(question);
  if (process.stdin.isTTY === true && options.hidden) return readHidden();
  return nextStdinLine();
}

/** All of stdin as bytes (ansible-vault's `-` and encrypt_string's stdin input). */
export async function readAllStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}
