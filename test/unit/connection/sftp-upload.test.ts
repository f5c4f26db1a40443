// The pipelined SFTP upload against an in-memory SFTP server that acknowledges writes when the test says so: the
// bytes that land, the number of requests in flight, and what happens on a failed write or a stop.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ssh2 from 'ssh2';
import { UPLOAD_CHUNK_BYTES, UPLOAD_REQUESTS_IN_FLIGHT, uploadPipelined } from '../../../src/connection/sftp-upload.js';

type Callback = (error?: Error | null) => void;

/** A file on a pretend host; writes are applied in arrival order when acknowledged, as OpenSSH's sftp-server does. */
class FakeSftp {
  content = Buffer.alloc(0);
  flags = '';
  mode: number | undefined;
  closed = false;
  maxInFlight = 0;
  offsets: number[] = [];
  /** end of the furthest write received */
  sentEnd = 0;
  failWriteAt: number | undefined;
  /** writes received after the host answered one with an error */
  writesAfterFailure = 0;
  private failed = false;
  private pending: Array<() => void> = [];

  constructor(existing?: Buffer) {
    if (existing) this.content = Buffer.from(existing);
  }

  open(_path: string, flags: string, cb: (error: Error | undefined, handle: Buffer) => void): void {
    this.flags = flags;
    if (flags === 'w') this.content = Buffer.alloc(0);
    setImmediate(() => cb(undefined, Buffer.from('h1')));
  }

  fchmod(_handle: Buffer, mode: number, cb: Callback): void {
    this.mode = mode;
    setImmediate(() => cb());
  }

  write(_handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, cb: Callback): void {
    if (this.failed) this.writesAfterFailure += 1;
    this.sentEnd = Math.max(this.sentEnd, position + length);
    const data = Buffer.from(buffer.subarray(offset, offset + length));
    this.offsets.push(position);
    this.pending.push(() => {
      if (this.failWriteAt === position) {
        this.failed = true;
        return cb(new Error('Failure (disk quota exceeded)'));
      }
      const end = position + length;
      if (end > this.content.length) this.content = Buffer.concat([this.content, Buffer.alloc(end - this.content.length)]);
      data.copy(this.content, position);
      cb();
    });
    this.maxInFlight = Math.max(this.maxInFlight, this.pending.length);
  }

  fsetstat(_handle: Buffer, attrs: { size: number }, cb: Callback): void {
    this.content = this.content.subarray(0, attrs.size);
    setImmediate(() => cb());
  }

  close(_handle: Buffer, cb: Callback): void {
    this.closed = true;
    setImmediate(() => cb());
  }

  /** Acknowledge every write received so far, a little later (as a host would). */
  acknowledgeAll(): void {
    const batch = this.pending;
    this.pending = [];
    for (const ack of batch) ack();
  }

  get inFlight(): number {
    return this.pending.length;
  }
}

/**
 * Acknowledges in rounds, each once the uploader has filled its window or sent the file's last byte, until it
 * settles. A long stall (a failed upload that stopped sending) also releases what is pending, so nothing hangs.
 */
async function drive(fake: FakeSftp, upload: Promise<void>, size: number): Promise<void> {
  let settled = false;
  const done = upload.finally(() => {
    settled = true;
  });
  let before = -1;
  let unchanged = 0;
  while (!settled) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    unchanged = fake.inFlight === before ? unchanged + 1 : 0;
    before = fake.inFlight;
    if (fake.inFlight >= UPLOAD_REQUESTS_IN_FLIGHT || (fake.inFlight > 0 && fake.sentEnd >= size) || unchanged >= 250) {
      fake.acknowledgeAll();
      unchanged = 0;
    }
  }
  await done;
}

describe('connection/sftp-upload: pipelined writes', () => {
  let dir: string;
  let source: string;
  let data: Buffer;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-sftp-upload-'));
    data = randomBytes(20 * UPLOAD_CHUNK_BYTES + 12_345);
    source = join(dir, 'image.tar.gz');
    writeFileSync(source, data);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lands every byte, in increasing offsets, with at most UPLOAD_REQUESTS_IN_FLIGHT requests outstanding', async () => {
    const fake = new FakeSftp();
    const progress: number[] = [];
    await drive(fake, uploadPipelined(fake as unknown as ssh2.SFTPWrapper, source, '/srv/x.part', { offset: 0, mode: 0o600, onAcknowledged: (n) => progress.push(n) }), data.length);
    expect(fake.content.equals(data)).to.equal(true);
    expect(fake.flags).to.equal('w');
    expect(fake.mode).to.equal(0o600);
    expect(fake.closed).to.equal(true);
    expect(fake.maxInFlight).to.equal(UPLOAD_REQUESTS_IN_FLIGHT);
    expect(fake.offsets).to.deep.equal([...fake.offsets].sort((a, b) => a - b));
    expect(fake.offsets).to.have.length(21);
    expect(progress[0]).to.equal(0);
    expect(progress.at(-1)).to.equal(data.length);
  });

  it('resumes at an offset onto the partial file and cuts whatever lay beyond the real size', async () => {
    const half = 9 * UPLOAD_CHUNK_BYTES + 7;
    const fake = new FakeSftp(Buffer.concat([data.subarray(0, half), randomBytes(50_000)]));
    await drive(fake, uploadPipelined(fake as unknown as ssh2.SFTPWrapper, source, '/srv/x.part', { offset: half }), data.length);
    expect(fake.flags).to.equal('r+');
    expect(fake.offsets[0]).to.equal(half);
    expect(fake.content.equals(data)).to.equal(true);
  });

  it('a failed write stops the upload: nothing is sent after the host reported it, and the error reaches the caller', async () => {
    const fake = new FakeSftp();
    fake.failWriteAt = 3 * UPLOAD_CHUNK_BYTES;
    let error: unknown;
    await drive(fake, uploadPipelined(fake as unknown as ssh2.SFTPWrapper, source, '/srv/x.part', { offset: 0 }).catch((e: unknown) => {
      error = e;
    }), data.length);
    expect((error as Error).message).to.contain('disk quota exceeded');
    expect(fake.writesAfterFailure).to.equal(0);
    expect(fake.offsets.length).to.be.lessThan(21);
    expect(fake.closed).to.equal(true);
  });

  it('a stop rejects at once without waiting for replies that may never come, and sends nothing more', async () => {
    const fake = new FakeSftp();
    const stop = new AbortController();
    const upload = uploadPipelined(fake as unknown as ssh2.SFTPWrapper, source, '/srv/x.part', { offset: 0, signal: stop.signal });
    while (fake.inFlight < UPLOAD_REQUESTS_IN_FLIGHT) await new Promise((resolve) => setTimeout(resolve, 1));
    stop.abort(new Error('connection lost'));
    let error: unknown;
    await upload.catch((e: unknown) => {
      error = e;
    });
    expect((error as Error).message).to.equal('connection lost');
    const sent = fake.offsets.length;
    fake.acknowledgeAll();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fake.offsets.length).to.equal(sent);
  });
});
