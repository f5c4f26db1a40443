// A Connection that answers scripted commands with canned results: the test lists the exact commands a module must
// send (string, or RegExp where a random staging name is part of it) and what the host answers. Any command not
// scripted fails the test, so an extra round trip or a changed command line is caught. The file channel (lstat,
// read-back, atomic install: no command on the host) works on an in-memory map of files.
import { SftpUnavailableError } from '../../../src/connection/errors.js';
import type { Connection, ExecOptions, ExecResult, FileInstall, PutFileOptions, RemoteFileInfo, RemotePathInfo } from '../../../src/connection/types.js';
import type { ModuleContext } from '../../../src/modules/lib/types.js';

export interface Expectation {
  command: string | RegExp;
  result?: Partial<ExecResult>;
}

export interface RecordedExec {
  command: string;
  options: ExecOptions | undefined;
}

export interface FakeFile {
  type?: RemotePathInfo['type'];
  content?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

export class FakeConnection implements Connection {
  readonly host = 'fake1';
  /** the login user: a task becoming anyone else goes through the (scripted) exec path */
  readonly user = 'ops';
  /** what the file channel sees on the host, by path */
  readonly files = new Map<string, FakeFile>();
  readonly installs: FileInstall[] = [];
  /** paths read back through the file channel */
  readonly reads: string[] = [];
  /** the host has no SFTP subsystem: the file channel refuses every call */
  refuseSftp = false;
  readonly execs: RecordedExec[] = [];
  readonly puts: Array<{ remotePath: string; content?: string; localPath?: string; mode: number | undefined }> = [];
  private readonly script: Expectation[];

  constructor(script: Expectation[] = []) {
    this.script = [...script];
  }

  async exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    this.execs.push({ command, options });
    const next = this.script.shift();
    if (!next) throw new Error(`unexpected command (nothing more scripted): ${command}`);
    const matches = typeof next.command === 'string' ? next.command === command : next.command.test(command);
    if (!matches) throw new Error(`unexpected command:\n  got:      ${command}\n  expected: ${String(next.command)}`);
    return { rc: 0, stdout: '', stderr: '', durationMs: 1, ...next.result };
  }

  async putFile(localPath: string, remotePath: string, options?: PutFileOptions): Promise<void> {
    this.puts.push({ remotePath, localPath, mode: options?.mode });
  }

  async putContent(content: string | Buffer, remotePath: string, options?: { mode?: number }): Promise<void> {
    this.puts.push({ remotePath, content: content.toString(), mode: options?.mode });
  }

  async execWithFile(): Promise<ExecResult> {
    throw new Error('execWithFile is not scripted in unit tests');
  }

  async getFile(): Promise<void> {
    throw new Error('getFile is not scripted in unit tests');
  }

  async stat(): Promise<RemoteFileInfo | undefined> {
    throw new Error('stat is not scripted in unit tests');
  }

  async lstat(remotePath: string): Promise<RemotePathInfo | undefined> {
    if (this.refuseSftp) throw new SftpUnavailableError(this.host, `${this.host}: the host refuses SFTP`);
    const file = this.files.get(remotePath);
    if (!file) return undefined;
    return { type: file.type ?? 'file', mode: file.mode ?? 0o644, uid: file.uid ?? 0, gid: file.gid ?? 0, size: Buffer.byteLength(file.content ?? ''), mtimeMs: 0, atimeMs: 0 };
  }

  async readSmallFile(remotePath: string): Promise<Buffer> {
    this.reads.push(remotePath);
    const file = this.files.get(remotePath);
    if (file?.content === undefined) throw new Error(`No such file: ${remotePath}`);
    return Buffer.from(file.content);
  }

  async installFile(install: FileInstall): Promise<void> {
    this.installs.push(install);
    this.files.set(install.dest, { content: install.content.toString(), mode: install.mode, uid: install.owner?.uid ?? 1000, gid: install.owner?.gid ?? 1000 });
  }

  async close(): Promise<void> {}

  /** Every scripted command was used. */
  get done(): boolean {
    return this.script.length === 0;
  }
}

export function fakeContext(conn: FakeConnection, overrides: Partial<ModuleContext> = {}): ModuleContext {
  return {
    host: conn.host,
    conn,
    check: false,
    diff: false,
    vars: {},
    render: (template) => template,
    findFile: (path) => path,
    become: undefined,
    env: {},
    signal: new AbortController().signal,
    reconnect: async () => conn,
    evaluate: (expression) => {
      throw new Error(`fakeContext: no evaluator for '${expression}' (pass evaluate in overrides)`);
    },
    verbosity: 0,
    runId: 'test-run',
    ...overrides,
  };
}

/** What the probe prints for a regular file (see remote-state.ts), for canned answers. */
export function probeOutput(entries: Array<{ type?: string; mode?: string; owner?: string; checksum?: string; link?: string; absent?: boolean }>, content?: string): string {
  const lines = entries.flatMap((entry, index) => {
    const out = [`P\t${index}`];
    if (entry.absent) return [...out, 'S\tabsent'];
    out.push(`S\t${entry.type ?? 'regular file'}\t${entry.mode ?? '644'}\t0\t0\t${entry.owner ?? 'root'}\troot\t4\t1700000000\t1700000000\t1700000000\t42\t1`);
    if (entry.link !== undefined) out.push(`L\t${entry.link}`);
    if (entry.checksum !== undefined) out.push(`C\t${entry.checksum}  -`);
    return out;
  });
  return `${lines.join('\n')}\n${content === undefined ? '' : `__AIRLOCK_CONTENT__\n${content}`}`;
}
