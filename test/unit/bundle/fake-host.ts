// A stand-in host for unit tests: a temp directory plays the host's filesystem, commands run through the real /bin/sh
// (so the exact stat/df/sha256sum/mv lines the transfer builds are exercised), and a stub `lxc` on PATH answers
// `lxc image info FP` from a list of fingerprints. putFile and execWithFile can simulate a dropped link after N bytes
// and a corrupting link.
import { execFile, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, mkdirSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Connection, ExecResult, PutFileOptions, RemoteFileInfo, RemotePathInfo, StreamFileOptions } from '../../../src/connection/types.js';

export class FakeHost implements Connection {
  readonly user = 'root';
  readonly root: string;
  readonly commands: string[] = [];
  /** fingerprints the stub LXD reports as present */
  lxdImages: string[] = [];
  /** next putFile calls fail after sending this many bytes (one entry per call) */
  dropAfterBytes: number[] = [];
  /** flip one byte of what putFile writes (a corrupting link or disk) */
  corruptNextPut = false;
  putCalls: Array<{ remotePath: string; offset: number }> = [];
  /** offsets of every execWithFile call (the streamed receive) */
  streamCalls: Array<{ command: string; offset: number }> = [];
  private readonly binDir: string;

  constructor(readonly host = 'fake1') {
    this.root = mkdtempSync(join(tmpdir(), 'airlock-fakehost-'));
    this.binDir = join(this.root, '.bin');
    mkdirSync(this.binDir);
    writeFileSync(join(this.binDir, 'lxc'), '#!/bin/sh\n[ "$1 $2" = "image info" ] && grep -qx "$3" "$(dirname "$0")/images"\n', { mode: 0o755 });
    writeFileSync(join(this.binDir, 'images'), '');
  }

  async exec(command: string): Promise<ExecResult> {
    this.commands.push(command);
    writeFileSync(join(this.binDir, 'images'), this.lxdImages.map((fp) => `${fp}\n`).join(''));
    const started = Date.now();
    return new Promise((resolve) => {
      execFile('/bin/sh', ['-c', command], { env: { ...process.env, PATH: `${this.binDir}:${process.env['PATH'] ?? ''}` } }, (error, stdout, stderr) => {
        const rc = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ rc, stdout, stderr, durationMs: Date.now() - started });
      });
    });
  }

  /** What a link does to the bytes: cut after dropAfterBytes (then fail), flip the first byte when corrupting. */
  private linkMeter(offset: number, total: number, onProgress: PutFileOptions['onProgress']): Transform {
    const dropAfter = this.dropAfterBytes.shift();
    const corrupt = this.corruptNextPut;
    this.corruptNextPut = false;
    let sent = 0;
    return new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        let data = chunk;
        if (dropAfter !== undefined && sent + data.length > dropAfter) {
          data = data.subarray(0, dropAfter - sent);
          sent += data.length;
          this.push(data);
          callback(new Error('connection lost (simulated)'));
          return;
        }
        if (corrupt && sent === 0 && data.length > 0) {
          data = Buffer.from(data);
          data[0] = (data[0] ?? 0) ^ 0xff;
        }
        sent += data.length;
        onProgress?.({ bytesDone: offset + sent, bytesTotal: total });
        callback(null, data);
      },
    });
  }

  async execWithFile(command: string, localPath: string, options: StreamFileOptions = {}): Promise<ExecResult> {
    const offset = options.offset ?? 0;
    this.commands.push(command);
    this.streamCalls.push({ command, offset });
    const total = statSync(localPath).size;
    const started = Date.now();
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PATH: `${this.binDir}:${process.env['PATH'] ?? ''}` } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined);
    let dropped: Error | undefined;
    // a dropped link: the host sees end of input after the bytes that made it, the controller sees the error
    await pipeline(createReadStream(localPath, { start: offset }), this.linkMeter(offset, total, options.onProgress), child.stdin).catch((error: Error) => {
      dropped = error;
      child.stdin.end();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    if (dropped) throw dropped;
    return { rc: code ?? 255, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), durationMs: Date.now() - started };
  }

  async putFile(localPath: string, remotePath: string, options: PutFileOptions = {}): Promise<void> {
    const offset = options.offset ?? 0;
    this.putCalls.push({ remotePath, offset });
    const total = statSync(localPath).size;
    const meter = this.linkMeter(offset, total, options.onProgress);
    await pipeline(
      createReadStream(localPath, { start: offset }),
      meter,
      createWriteStream(remotePath, { flags: offset > 0 ? 'r+' : 'w', start: offset }),
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
  }

  async putContent(content: string | Buffer, remotePath: string): Promise<void> {
    writeFileSync(remotePath, content);
  }

  async getFile(): Promise<void> {
    throw new Error('not used by these tests');
  }

  async stat(remotePath: string): Promise<RemoteFileInfo | undefined> {
    try {
      const info = statSync(remotePath);
      return { size: info.size, mode: info.mode, isDirectory: info.isDirectory(), isFile: info.isFile(), mtimeMs: info.mtimeMs };
    } catch {
      return undefined;
    }
  }

  async lstat(): Promise<RemotePathInfo | undefined> {
    throw new Error('lstat is not used by the bundle transfer');
  }

  async readSmallFile(): Promise<Buffer> {
    throw new Error('readSmallFile is not used by the bundle transfer');
  }

  async installFile(): Promise<void> {
    throw new Error('installFile is not used by the bundle transfer');
  }

  async close(): Promise<void> {
    rmSync(this.root, { recursive: true, force: true });
  }
}
