// The controller itself as a host (`ansible_connection: local`, implicit for localhost): commands through /bin/sh -c
// with execa, files on the local file system, with the same timeouts, become handling and error types as SSH.
import { progressCounter } from './progress.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, copyFile, lstat as fsLstat, open, readFile, rename, stat as fsStat, truncate, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { CommandTimeoutError } from './errors.js';
import { wrapCommand } from './command.js';
import type { Connection, ExecOptions, ExecResult, FileInstall, PutFileOptions, RemoteFileInfo, RemotePathInfo, RemotePathType, StreamFileOptions } from './types.js';
import { spawn } from 'node:child_process';

export interface LocalConnectionOptions {
  commandTimeoutMs?: number;
  becomePassword?: string;
}

export class LocalConnection implements Connection {
  readonly host: string;
  private readonly options: LocalConnectionOptions;
  readonly user: string;

  constructor(host: string, options: LocalConnectionOptions = {}) {
    this.host = host;
    this.options = options;
    this.user = userInfo().username;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const wrapped = wrapCommand(command, options, this.user, this.options.becomePassword);
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs;
    const input = Buffer.concat([Buffer.from(wrapped.stdinPrefix ?? ''), Buffer.from(options.stdin ?? '')]);
    const started = Date.now();
    // Loaded on first use: execa costs ~0.15 CPU-s to import, and most runs never run a command on the controller.
    const { execa } = await import('execa');
    // Own process group, so that a timeout kills the whole command tree: killing only /bin/sh would leave its
    // children holding stdout open, and the result would wait for them.
    const subprocess = execa('/bin/sh', ['-c', wrapped.command], { input, reject: false, stripFinalNewline: false, encoding: 'utf8', detached: true });
    let timedOut = false;
    const timer =
      timeoutMs === undefined || timeoutMs <= 0
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            try {
              if (subprocess.pid !== undefined) process.kill(-subprocess.pid, 'SIGKILL');
            } catch {
              /* already gone */
            }
          }, timeoutMs);
    const result = await subprocess;
    clearTimeout(timer);
    if (timedOut) throw new CommandTimeoutError(this.host, command, timeoutMs ?? 0);
    return {
      rc: typeof result.exitCode === 'number' ? result.exitCode : 255,
      ...(result.signal === undefined ? {} : { signal: result.signal }),
      stdout: result.stdout,
      stderr: result.stderr,
      durationMs: Date.now() - started,
    };
  }

  async execWithFile(command: string, localPath: string, options: StreamFileOptions = {}): Promise<ExecResult> {
    const offset = options.offset ?? 0;
    const total = (await fsStat(localPath)).size;
    if (offset < 0 || offset > total) throw new Error(`cannot send ${localPath} from offset ${offset}: the file has ${total} bytes`);
    const wrapped = wrapCommand(command, {}, this.user, this.options.becomePassword);
    const started = Date.now();
    const child = spawn('/bin/sh', ['-c', wrapped.command], { stdio: ['pipe', 'pipe', 'pipe'], ...(options.signal ? { signal: options.signal } : {}) });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // a command that exits before reading everything breaks the pipe: its exit status is the answer
    child.stdin.on('error', () => undefined);
    if (wrapped.stdinPrefix !== undefined) child.stdin.write(wrapped.stdinPrefix);
    const feeding = pipeline(createReadStream(localPath, { start: offset }), progressCounter(offset, total, options.onProgress), child.stdin).catch(() => undefined);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    });
    await feeding;
    return {
      rc: typeof code === 'number' ? code : 255,
      ...(signal === null ? {} : { signal }),
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      durationMs: Date.now() - started,
    };
  }

  async putFile(localPath: string, remotePath: string, options: PutFileOptions = {}): Promise<void> {
    const offset = options.offset ?? 0;
    const total = (await fsStat(localPath)).size;
    if (offset < 0 || offset > total) throw new Error(`cannot resume ${localPath} at offset ${offset}: the file has ${total} bytes`);
    const progress = progressCounter(offset, total, options.onProgress);
    await pipeline(
      createReadStream(localPath, { start: offset }),
      progress,
      createWriteStream(remotePath, { flags: offset > 0 ? 'r+' : 'w', start: offset, ...(options.mode === undefined ? {} : { mode: options.mode }) }),
      ...(options.signal === undefined ? [] : [{ signal: options.signal }]),
    );
    // A resumed copy onto a longer leftover must not keep the old tail.
    if (offset > 0) await truncate(remotePath, total);
  }

  async putContent(content: string | Buffer, remotePath: string, options: { mode?: number } = {}): Promise<void> {
    await writeFile(remotePath, content, options.mode === undefined ? {} : { mode: options.mode });
    if (options.mode !== undefined) await chmod(remotePath, options.mode);
  }

  async getFile(remotePath: string, localPath: string): Promise<void> {
    await copyFile(remotePath, localPath);
  }

  async stat(remotePath: string): Promise<RemoteFileInfo | undefined> {
    try {
      const info = await fsStat(remotePath);
      return { size: info.size, mode: info.mode & 0o7777, isDirectory: info.isDirectory(), isFile: info.isFile(), mtimeMs: info.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async lstat(remotePath: string): Promise<RemotePathInfo | undefined> {
    try {
      const info = await fsLstat(remotePath);
      const type: RemotePathType = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : info.isSymbolicLink() ? 'link' : 'other';
      return { type, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, size: info.size, mtimeMs: info.mtimeMs, atimeMs: info.atimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async readSmallFile(remotePath: string, maxBytes: number): Promise<Buffer> {
    const content = await readFile(remotePath);
    if (content.length > maxBytes) throw new Error(`${remotePath}: ${content.length} bytes, more than the ${maxBytes} this read allows`);
    return content;
  }

  async installFile(install: FileInstall): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(install.staged, 'wx', 0o600);
      await handle.writeFile(install.content);
      if (install.owner) await handle.chown(install.owner.uid, install.owner.gid);
      await handle.chmod(install.mode);
      await handle.close();
      handle = undefined;
      await rename(install.staged, install.dest);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      // only a staging file this call created is removed: 'wx' failing means it was never ours
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await unlink(install.staged).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    // Nothing is held open between commands.
  }
}
