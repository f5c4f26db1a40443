// A Connection over one persistent ssh2 Client: commands on session channels (capped per connection, the rest queue),
// files over one lazily opened SFTP session. When the host drops, everything pending rejects at once with
// UnreachableError; nothing waits for a reply that cannot come.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat as localStat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type ssh2 from 'ssh2';
import pLimit, { type LimitFunction } from 'p-limit';
import { CommandTimeoutError, SftpUnavailableError, UnreachableError } from './errors.js';
import { wrapCommand } from './command.js';
import { uploadPipelined } from './sftp-upload.js';
import { SFTP_NO_SUCH_FILE, sftpInstallFile, sftpLstat, sftpReadSmallFile } from './sftp-files.js';
import { sh } from '../util/shell.js';
import type { Connection, ExecOptions, ExecResult, FileInstall, PutFileOptions, RemoteFileInfo, RemotePathInfo, StreamFileOptions } from './types.js';

export interface SshConnectionOptions {
  /** user the session runs as (decides whether become needs sudo) */
  user: string;
  /** the host key the handshake verified (known_hosts form) */
  hostKey?: string;
  becomePassword?: string;
  commandTimeoutMs?: number;
  /** session channels open at once; OpenSSH allows 10 per connection (MaxSessions) and SFTP takes one */
  maxChannels?: number;
  /** called once when the connection is gone (dropped or closed), so the pool can forget it */
  onGone?: () => void;
}

/** how long after a command's timeout the controller stops waiting for the host's own `timeout` to kill it */
const HOST_TIMEOUT_GRACE_MS = 2000;

/** local reads for execWithFile: 1 MiB, as the SFTP upload reads (one libuv hop per MiB, not per packet) */
const READ_BLOCK_BYTES = 1024 * 1024;

interface ChannelInternals {
  outgoing?: { id?: unknown; state?: unknown };
  _client?: { _protocol?: { signal?: unknown } };
}

/**
 * ssh2's channel.signal() sends nothing once our side has sent EOF (we always close stdin), yet a signal request is
 * still valid then (RFC 4254 only forbids requests after CLOSE). So send it through the protocol object directly.
 */
function sendSignal(channel: ssh2.ClientChannel, name: string): void {
  const internals = channel as unknown as ChannelInternals;
  const id = internals.outgoing?.id;
  const protocol = internals._client?._protocol;
  const send = protocol?.signal;
  try {
    if (typeof id === 'number' && (internals.outgoing?.state === 'open' || internals.outgoing?.state === 'eof') && typeof send === 'function') send.call(protocol, id, name);
    else channel.signal(name);
  } catch {
    /* the channel is already closing: nothing left to kill */
  }
}

/** Collects a command channel's output and exit status; the returned function builds the result once it closed. */
function collectOutput(channel: ssh2.ClientChannel, started: number): () => ExecResult {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let rc: number | undefined;
  let signal: string | undefined;
  channel.on('data', (chunk: Buffer) => stdout.push(chunk));
  channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  channel.on('exit', (code: number | null, signalName?: string) => {
    if (typeof code === 'number') rc = code;
    else if (signalName) signal = signalName;
  });
  return () => ({
    rc: rc ?? 255,
    ...(signal === undefined ? {} : { signal }),
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    durationMs: Date.now() - started,
  });
}

export class SshConnection implements Connection {
  readonly host: string;
  readonly user: string;
  readonly hostKey?: string;
  private readonly client: ssh2.Client;
  private readonly options: SshConnectionOptions;
  private readonly limit: LimitFunction;
  private readonly onDrop = new Set<(error: UnreachableError) => void>();
  private gone: UnreachableError | undefined;
  private lastError: Error | undefined;
  private closing = false;
  private sftpSession: Promise<ssh2.SFTPWrapper> | undefined;
  /** the host refused the SFTP subsystem once: it will again, so later calls fail at once without a channel */
  private sftpRefused: SftpUnavailableError | undefined;

  constructor(host: string, client: ssh2.Client, options: SshConnectionOptions) {
    this.host = host;
    this.user = options.user;
    if (options.hostKey !== undefined) this.hostKey = options.hostKey;
    this.client = client;
    this.options = options;
    this.limit = pLimit(options.maxChannels ?? 8);
    client.on('error', (error: Error) => {
      this.lastError = error;
    });
    client.on('close', () => {
      const why = this.lastError ? `: ${this.lastError.message}` : '';
      if (this.closing) this.markGone(new UnreachableError(host, `${host}: connection closed`));
      this.markGone(new UnreachableError(host, `${host}: connection lost${why}`, this.lastError ? { cause: this.lastError } : undefined));
    });
  }

  get isAlive(): boolean {
    return this.gone === undefined;
  }

  private markGone(error: UnreachableError): void {
    if (this.gone) return;
    this.gone = error;
    for (const reject of this.onDrop) reject(error);
    this.onDrop.clear();
    this.options.onGone?.();
  }

  /** Settle `work`, or reject as soon as the connection drops (running `abort` to release what `work` holds). */
  private guard<T>(work: (register: (abort: () => void) => void) => Promise<T>): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    return new Promise<T>((resolve, reject) => {
      let abort: (() => void) | undefined;
      const dropped = (error: UnreachableError): void => {
        abort?.();
        reject(error);
      };
      this.onDrop.add(dropped);
      work((fn) => {
        abort = fn;
      }).then(
        (value) => {
          this.onDrop.delete(dropped);
          resolve(value);
        },
        (error: unknown) => {
          this.onDrop.delete(dropped);
          reject(this.gone ?? error);
        },
      );
    });
  }

  /** Opens a session channel for `command` and hands it to `use`; a refused channel is the host unreachable. */
  private onChannel(command: string, reject: (error: Error) => void, use: (channel: ssh2.ClientChannel) => void): void {
    this.client.exec(command, (error, channel) => {
      if (error) reject(new UnreachableError(this.host, `${this.host}: cannot open a session channel: ${error.message}`, { cause: error }));
      else use(channel);
    });
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.limit(() => this.guard((register) => this.execNow(command, options, register)));
  }

  private execNow(command: string, options: ExecOptions, register: (abort: () => void) => void): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs;
    const wrapped = wrapCommand(command, options, this.options.user, this.options.becomePassword, timeoutMs);
    const started = Date.now();
    return new Promise<ExecResult>((resolve, reject) => {
      this.onChannel(wrapped.command, reject, (channel) => {
        let timer: NodeJS.Timeout | undefined;
        register(() => {
          clearTimeout(timer);
          channel.destroy();
        });
        const result = collectOutput(channel, started);
        channel.on('close', () => {
          clearTimeout(timer);
          const done = result();
          // The host's own `timeout` killed it (it dies by SIGKILL with its process group) once the time was up.
          if (timeoutMs !== undefined && timeoutMs > 0 && (done.rc === 137 || done.signal === 'SIGKILL') && Date.now() - started >= timeoutMs) {
            reject(new CommandTimeoutError(this.host, command, timeoutMs));
            return;
          }
          resolve(done);
        });
        if (timeoutMs !== undefined && timeoutMs > 0) {
          // Backstop for a host without coreutils `timeout` (or one that stopped answering): give up on our side.
          timer = setTimeout(() => {
            // Kill the remote process group first (OpenSSH >= 7.9 honours signal requests), then drop the channel.
            sendSignal(channel, 'KILL');
            channel.close();
            reject(new CommandTimeoutError(this.host, command, timeoutMs));
          }, timeoutMs + HOST_TIMEOUT_GRACE_MS);
        }
        const input: Buffer[] = [];
        if (wrapped.stdinPrefix !== undefined) input.push(Buffer.from(wrapped.stdinPrefix));
        if (options.stdin !== undefined) input.push(Buffer.from(options.stdin));
        channel.end(input.length > 0 ? Buffer.concat(input) : undefined);
      });
    });
  }

  execWithFile(command: string, localPath: string, options: StreamFileOptions = {}): Promise<ExecResult> {
    return this.limit(() => this.guard((register) => this.execWithFileNow(command, localPath, options, register)));
  }

  /**
   * The file goes into the channel as fast as the host's window lets it: ssh2 holds a write until the window has room,
   * and the read stream pauses while ssh2 holds more than its high-water mark, so memory stays at about one read
   * block (1 MiB) plus the channel window per transfer, whatever the file size.
   */
  private async execWithFileNow(command: string, localPath: string, options: StreamFileOptions, register: (abort: () => void) => void): Promise<ExecResult> {
    const offset = options.offset ?? 0;
    const total = (await localStat(localPath)).size;
    if (offset < 0 || offset > total) throw new Error(`cannot send ${localPath} from offset ${offset}: the file has ${total} bytes`);
    options.signal?.throwIfAborted();
    // no host timeout: a transfer takes as long as the link needs; a dead link is noticed by the keepalives
    const wrapped = wrapCommand(command, {}, this.options.user, this.options.becomePassword);
    const started = Date.now();
    return new Promise<ExecResult>((resolve, reject) => {
      this.onChannel(wrapped.command, reject, (channel) => {
        const source = createReadStream(localPath, { start: offset, highWaterMark: READ_BLOCK_BYTES });
        const stop = (): void => {
          source.destroy();
          channel.destroy();
        };
        register(stop);
        const onAbort = (): void => {
          stop();
          const reason: unknown = options.signal?.reason;
          reject(reason instanceof Error ? reason : new Error(`${this.host}: transfer stopped`));
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        // a command that exits before reading everything closes the channel under our writes: that is its answer
        channel.on('error', () => undefined);
        const result = collectOutput(channel, started);
        channel.on('close', () => {
          options.signal?.removeEventListener('abort', onAbort);
          source.destroy();
          resolve(result());
        });
        if (wrapped.stdinPrefix !== undefined) channel.write(wrapped.stdinPrefix);
        let bytesDone = offset;
        options.onProgress?.({ bytesDone, bytesTotal: total });
        source.on('data', (chunk: string | Buffer) => {
          bytesDone += chunk.length;
          options.onProgress?.({ bytesDone, bytesTotal: total });
          if (!channel.write(chunk)) {
            source.pause();
            channel.once('drain', () => source.resume());
          }
        });
        source.on('end', () => channel.end());
        source.on('error', (readError: Error) => {
          channel.destroy();
          reject(readError);
        });
      });
    });
  }

  private sftp(): Promise<ssh2.SFTPWrapper> {
    if (this.gone) return Promise.reject(this.gone);
    if (this.sftpRefused) return Promise.reject(this.sftpRefused);
    if (this.sftpSession === undefined) {
      const session = new Promise<ssh2.SFTPWrapper>((resolve, reject) => {
        this.client.sftp((error, sftp) => {
          if (error) {
            // ssh2 says "Unable to start subsystem: sftp" when the channel opened but sshd has no SFTP subsystem
            if (!this.gone && /subsystem/i.test(error.message)) {
              this.sftpRefused = new SftpUnavailableError(this.host, `${this.host}: the host refuses SFTP (${error.message})`, { cause: error });
              reject(this.sftpRefused);
              return;
            }
            reject(new UnreachableError(this.host, `${this.host}: cannot open an SFTP session: ${error.message}`, { cause: error }));
            return;
          }
          sftp.on('close', () => {
            if (this.sftpSession === session) this.sftpSession = undefined;
          });
          resolve(sftp);
        });
      });
      this.sftpSession = session;
      session.catch(() => {
        if (this.sftpSession === session) this.sftpSession = undefined;
      });
    }
    return this.sftpSession;
  }

  async putFile(localPath: string, remotePath: string, options: PutFileOptions = {}): Promise<void> {
    const offset = options.offset ?? 0;
    const total = (await localStat(localPath)).size;
    if (offset < 0 || offset > total) throw new Error(`cannot resume ${localPath} at offset ${offset}: the file has ${total} bytes`);
    options.signal?.throwIfAborted();
    const sftp = await this.sftp();
    // One stop for both ways an upload ends early: the caller's signal, or the link dropping under it.
    const stop = new AbortController();
    const relayAbort = (): void => stop.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', relayAbort, { once: true });
    try {
      await this.guard(async (register) => {
        register(() => stop.abort(new Error(`${this.host}: upload of ${remotePath} stopped: connection lost`)));
        await uploadPipelined(sftp, localPath, remotePath, {
          offset,
          signal: stop.signal,
          ...(options.mode === undefined ? {} : { mode: options.mode }),
          onAcknowledged: (bytesDone) => options.onProgress?.({ bytesDone, bytesTotal: total }),
        });
      });
    } finally {
      options.signal?.removeEventListener('abort', relayAbort);
    }
  }

  async putContent(content: string | Buffer, remotePath: string, options: { mode?: number } = {}): Promise<void> {
    const sftp = await this.sftp();
    await this.guard(async () => {
      await new Promise<void>((resolve, reject) =>
        sftp.writeFile(remotePath, content, options.mode === undefined ? {} : { mode: options.mode }, (e) => (e ? reject(e) : resolve())),
      );
      if (options.mode !== undefined) await new Promise<void>((resolve, reject) => sftp.chmod(remotePath, options.mode as number, (e) => (e ? reject(e) : resolve())));
    });
  }

  async getFile(remotePath: string, localPath: string): Promise<void> {
    const sftp = await this.sftp();
    await this.guard(async (register) => {
      const source = sftp.createReadStream(remotePath);
      const sink = createWriteStream(localPath);
      register(() => {
        source.destroy();
        sink.destroy();
      });
      await pipeline(source, sink);
    });
  }

  async stat(remotePath: string): Promise<RemoteFileInfo | undefined> {
    const sftp = await this.sftp();
    return this.guard(
      () =>
        new Promise<RemoteFileInfo | undefined>((resolve, reject) => {
          sftp.stat(remotePath, (error, stats) => {
            if (error) {
              if ((error as Error & { code?: number }).code === SFTP_NO_SUCH_FILE) resolve(undefined);
              else reject(error);
              return;
            }
            resolve({
              size: stats.size,
              mode: stats.mode & 0o7777,
              isDirectory: stats.isDirectory(),
              isFile: stats.isFile(),
              mtimeMs: stats.mtime * 1000,
            });
          });
        }),
    );
  }

  async lstat(remotePath: string): Promise<RemotePathInfo | undefined> {
    const sftp = await this.sftp();
    return this.guard(() => sftpLstat(sftp, remotePath));
  }

  async readSmallFile(remotePath: string, maxBytes: number): Promise<Buffer> {
    const sftp = await this.sftp();
    return this.guard(() => sftpReadSmallFile(sftp, remotePath, maxBytes));
  }

  async installFile(install: FileInstall): Promise<void> {
    const sftp = await this.sftp();
    await this.guard(() =>
      sftpInstallFile(sftp, install, {
        rename: async (staged, dest) => {
          const result = await this.exec(sh`mv -f -- ${staged} ${dest}`);
          if (result.rc !== 0) throw new Error(`renaming ${staged} to ${dest} failed (rc ${result.rc}): ${result.stderr.trim()}`);
        },
      }),
    );
  }

  async close(): Promise<void> {
    if (this.gone) return;
    this.closing = true;
    await new Promise<void>((resolve) => {
      this.client.once('close', () => resolve());
      this.client.end();
      setTimeout(resolve, 2000).unref();
    });
    this.markGone(new UnreachableError(this.host, `${this.host}: connection closed`));
  }
}
