// Resumable, verified push of one file to one host. The host is the judge: it reports what it holds (LXD image,
// final file, partial upload, free space), computes the SHA-256 itself while the bytes arrive (receiveCommand), and
// only a verified file gets its final name.
import type { Connection, ExecResult } from '../connection/types.js';
import { UnreachableError } from '../connection/errors.js';
import { formatBytes } from './format.js';
import {
  mkdirCommand, parseProbe, parseReceive, parseSha256, probeCommand, receiveCommand, sha256Command, type ProbeResult,
} from './remote-commands.js';

export interface PushFileRequest {
  localPath: string;
  destDir: string;
  /** file name on the host, inside destDir */
  fileName: string;
  size: number;
  sha256: string;
  /** when set and the host's LXD already has this image, nothing is sent */
  lxdFingerprint?: string;
}

export interface PushProgress {
  /** bytes of this file now on the host, resumed prefix included */
  bytesDone: number;
  bytesTotal: number;
  /** bytes sent over the wire by this push so far (all attempts) */
  bytesSent: number;
}

export interface PushFileOptions {
  signal?: AbortSignal;
  onProgress?: (progress: PushProgress) => void;
  /** A fresh connection after the link dropped (from the pool). Without it, a dropped link fails the push. */
  reconnect?: () => Promise<Connection>;
  /** attempts in all, the first included (default 3) */
  maxAttempts?: number;
  /** check mode: report what would be sent, change nothing on the host */
  check?: boolean;
  /** Runs the byte-sending phase; lets a caller cap simultaneous transfers across hosts (p-limit). */
  transferSlot?: <T>(send: () => Promise<T>) => Promise<T>;
}

export type SkipReason = 'lxd_has_image' | 'already_present';

export interface PushFileOutcome {
  status: 'sent' | 'skipped' | 'would_send';
  skipReason?: SkipReason;
  /** bytes sent over the wire (0 when skipped) */
  bytesSent: number;
  /** offset the last attempt resumed from (0 for a fresh upload) */
  resumedFrom: number;
  attempts: number;
  durationMs: number;
  remotePath: string;
}

/** A push that failed for a reason the operator must act on (no room, corrupted upload, link kept dropping). */
export class TransferError extends Error {
  readonly host: string;
  readonly file: string;
  constructor(host: string, file: string, message: string, options?: { cause?: unknown }) {
    super(`${host}: ${file}: ${message}`, options);
    this.name = 'TransferError';
    this.host = host;
    this.file = file;
  }
}

function joinRemote(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

async function run(conn: Connection, command: string, file: string, signal?: AbortSignal): Promise<ExecResult> {
  signal?.throwIfAborted();
  const result = await conn.exec(command);
  if (result.rc !== 0) {
    throw new TransferError(conn.host, file, `\`${command}\` failed (rc ${result.rc}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result;
}

export async function pushFile(initialConn: Connection, request: PushFileRequest, options: PushFileOptions = {}): Promise<PushFileOutcome> {
  const started = Date.now();
  const finalPath = joinRemote(request.destDir, request.fileName);
  const partPath = `${finalPath}.part`;
  const maxAttempts = options.maxAttempts ?? 3;
  const slot = options.transferSlot ?? (<T>(send: () => Promise<T>) => send());
  let conn = initialConn;
  let bytesSent = 0;
  const outcome = (status: PushFileOutcome['status'], resumedFrom: number, attempts: number, skipReason?: SkipReason): PushFileOutcome => ({
    status, bytesSent, resumedFrom, attempts, durationMs: Date.now() - started, remotePath: finalPath, ...(skipReason ? { skipReason } : {}),
  });

  for (let attempt = 1; ; attempt += 1) {
    let resumedFrom = 0;
    let attemptSent = 0;
    try {
      const probe: ProbeResult = parseProbe((await run(conn, probeCommand(request.destDir, finalPath, partPath, request.lxdFingerprint), request.fileName, options.signal)).stdout);
      if (probe.lxdHasImage) return outcome('skipped', 0, attempt, 'lxd_has_image');
      if (probe.finalSize === request.size) {
        const existing = parseSha256((await run(conn, sha256Command(finalPath), request.fileName, options.signal)).stdout);
        if (existing === request.sha256) return outcome('skipped', 0, attempt, 'already_present');
      }
      // a partial file longer than the real one cannot be a prefix of it: start over
      resumedFrom = probe.partSize !== undefined && probe.partSize <= request.size ? probe.partSize : 0;
      const needed = request.size - resumedFrom;
      if (probe.availableBytes !== undefined && probe.availableBytes < needed) {
        throw new TransferError(conn.host, request.fileName,
          `needs ${formatBytes(needed)} (${needed} bytes), has ${formatBytes(probe.availableBytes)} (${probe.availableBytes} bytes) free on ${request.destDir}`);
      }
      if (options.check) return { ...outcome('would_send', resumedFrom, attempt), bytesSent: needed };

      await run(conn, mkdirCommand(request.destDir), request.fileName, options.signal);
      const sendConn = conn;
      const from = resumedFrom;
      const received = await slot(() => sendConn.execWithFile(receiveCommand(partPath, finalPath, from, request.size, request.sha256), request.localPath, {
        offset: from,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (progress) => {
          attemptSent = progress.bytesDone - from;
          options.onProgress?.({ bytesDone: progress.bytesDone, bytesTotal: request.size, bytesSent: bytesSent + attemptSent });
        },
      }));
      bytesSent += attemptSent;
      attemptSent = 0;
      const report = parseReceive(received.stdout);
      if (report.verdict === 'mismatch') {
        throw new TransferError(conn.host, request.fileName,
          `sha256 mismatch on arrival: expected ${request.sha256}, host computed ${report.sha256 ?? '(nothing)'}; deleted ${partPath}`);
      }
      if (report.verdict !== 'ok') {
        // the stream ended early (the link or the host side died): the prefix on disk is kept, the next attempt resumes
        throw new Error(`the host received ${report.received ?? 'an unknown number of'} of ${request.size} bytes (rc ${received.rc}${received.stderr.trim() === '' ? '' : `: ${received.stderr.trim().slice(0, 300)}`})`);
      }
      return outcome('sent', resumedFrom, attempt);
    } catch (error) {
      // count what went over the wire before the drop: the next probe resumes from what reached the disk
      bytesSent += attemptSent;
      if (error instanceof TransferError || options.signal?.aborted || !options.reconnect || attempt >= maxAttempts) {
        if (error instanceof TransferError || options.signal?.aborted) throw error;
        const message = `transfer failed after ${attempt} attempt(s): ${(error as Error).message}`;
        // still unreachable after the retries: keep the kind, so the host is reported unreachable, not failed
        if (error instanceof UnreachableError) throw new UnreachableError(conn.host, `${conn.host}: ${request.fileName}: ${message}`, { cause: error });
        throw new TransferError(conn.host, request.fileName, `transfer failed after ${attempt} attempt(s): ${(error as Error).message}`, { cause: error });
      }
      conn = await options.reconnect();
    }
  }
}
