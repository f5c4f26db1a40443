// A writable that keeps what was written; with `tty` it claims to be a terminal (for the live reporter).
import { Writable } from 'node:stream';

export class MemoryStream extends Writable {
  text = '';
  writes = 0;
  isTTY: boolean;
  columns = 120;
  rows = 50;

  constructor(tty = false) {
    super();
    this.isTTY = tty;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    this.writes++;
    callback();
  }
}

/** What a terminal would show, without colours and cursor movement. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
}
