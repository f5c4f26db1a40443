import { expect } from 'chai';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync, truncateSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushFile, TransferError, type PushFileRequest } from '../../../src/bundle/transfer.js';
import { parseReceive, probeCommand, receiveCommand } from '../../../src/bundle/remote-commands.js';
import { FakeHost } from './fake-host.js';
import { UnreachableError } from '../../../src/connection/errors.js';

describe('bundle/transfer: resumable verified push of one file', function () {
  // every fake-host command is a real /bin/sh: slow when the shared machine is loaded
  this.timeout(60_000);
  let local: string;
  let host: FakeHost;
  let request: PushFileRequest;
  const size = 3 * 1024 * 1024 + 17;

  beforeEach(() => {
    local = mkdtempSync(join(tmpdir(), 'airlock-transfer-'));
    const data = randomBytes(size);
    writeFileSync(join(local, 'img.tar.gz'), data);
    host = new FakeHost();
    request = {
      localPath: join(local, 'img.tar.gz'),
      destDir: join(host.root, 'dest dir'),
      fileName: 'img.tar.gz',
      size,
      sha256: createHash('sha256').update(data).digest('hex'),
      lxdFingerprint: createHash('sha256').update(data).digest('hex'),
    };
  });

  afterEach(async () => {
    rmSync(local, { recursive: true, force: true });
    await host.close();
  });

  it('streams into <file>.part, hashing on the host as the bytes arrive, and renames to the final name', async () => {
    const outcome = await pushFile(host, request);
    expect(outcome.status).to.equal('sent');
    expect(outcome.bytesSent).to.equal(size);
    expect(readFileSync(join(request.destDir, 'img.tar.gz')).equals(readFileSync(request.localPath))).to.equal(true);
    expect(existsSync(join(request.destDir, 'img.tar.gz.part'))).to.equal(false);
    const part = join(request.destDir, 'img.tar.gz.part');
    const final = join(request.destDir, 'img.tar.gz');
    expect(host.streamCalls).to.deep.equal([{ command: receiveCommand(part, final, 0, size, request.sha256), offset: 0 }]);
    // no second pass over the file after the upload: the hash was computed on the way in
    expect(host.commands.filter((c) => c.includes('dgst'))).to.have.length(1);
  });

  it('the receive command hashes a resumed prefix first: a resumed file verifies whole', async () => {
    await host.exec(`mkdir -p '${request.destDir}'`);
    const part = join(request.destDir, 'img.tar.gz.part');
    copyFileSync(request.localPath, part);
    truncateSync(part, 12345);
    const result = await host.execWithFile(receiveCommand(part, join(request.destDir, 'img.tar.gz'), 12345, size, request.sha256), request.localPath, { offset: 12345 });
    expect(parseReceive(result.stdout)).to.deep.equal({ received: size, sha256: request.sha256, verdict: 'ok' });
  });

  it('believes only exact forms in the receive report (host output is hostile)', () => {
    expect(parseReceive('received=12x\nsha256=ABC\nverdict=ok; rm -rf /\n')).to.deep.equal({ received: undefined, sha256: undefined, verdict: undefined });
  });

  it('sends 0 bytes the second time (final file present with the right sha256)', async () => {
    await pushFile(host, request);
    host.streamCalls = [];
    const second = await pushFile(host, request);
    expect(second).to.include({ status: 'skipped', skipReason: 'already_present', bytesSent: 0 });
    expect(host.streamCalls).to.have.length(0);
  });

  it('sends 0 bytes when the host LXD already holds the fingerprint', async () => {
    host.lxdImages = [request.lxdFingerprint ?? ''];
    const outcome = await pushFile(host, request);
    expect(outcome).to.include({ status: 'skipped', skipReason: 'lxd_has_image', bytesSent: 0 });
    expect(existsSync(request.destDir)).to.equal(false);
  });

  it('resumes from the size of an existing .part file', async () => {
    await host.exec(`mkdir -p '${request.destDir}'`);
    const part = join(request.destDir, 'img.tar.gz.part');
    copyFileSync(request.localPath, part);
    truncateSync(part, 1_000_000);
    const outcome = await pushFile(host, request);
    expect(outcome).to.include({ status: 'sent', resumedFrom: 1_000_000, bytesSent: size - 1_000_000 });
    expect(readFileSync(join(request.destDir, 'img.tar.gz')).equals(readFileSync(request.localPath))).to.equal(true);
  });

  it('restarts from zero when the .part file is larger than the image', async () => {
    await host.exec(`mkdir -p '${request.destDir}'`);
    writeFileSync(join(request.destDir, 'img.tar.gz.part'), randomBytes(size + 10));
    const outcome = await pushFile(host, request);
    expect(outcome).to.include({ status: 'sent', resumedFrom: 0, bytesSent: size });
  });

  it('after a dropped link, reconnects and resumes within the same run, sending each byte about once', async () => {
    host.dropAfterBytes = [size / 2];
    let reconnects = 0;
    const outcome = await pushFile(host, request, { reconnect: async () => { reconnects += 1; return host; } });
    expect(reconnects).to.equal(1);
    expect(outcome.status).to.equal('sent');
    expect(outcome.attempts).to.equal(2);
    expect(host.streamCalls[1]?.offset).to.be.greaterThan(0);
    expect(outcome.bytesSent).to.be.lessThan(size * 1.1);
    expect(readFileSync(join(request.destDir, 'img.tar.gz')).equals(readFileSync(request.localPath))).to.equal(true);
  });

  it('fails clearly after a dropped link when it cannot reconnect, keeping the .part for a later resume', async () => {
    host.dropAfterBytes = [1024 * 1024];
    const error = await pushFile(host, request).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(TransferError);
    expect((error as Error).message).to.match(/fake1: img\.tar\.gz: transfer failed after 1 attempt\(s\): connection lost/);
    expect(existsSync(join(request.destDir, 'img.tar.gz.part'))).to.equal(true);
  });

  it('a host that stays unreachable through every retry is reported unreachable, not failed', async () => {
    let reconnects = 0;
    host.execWithFile = async () => { throw new UnreachableError('fake1', 'connection reset'); };
    const error = await pushFile(host, request, { reconnect: async () => { reconnects += 1; return host; } }).then(() => undefined, (e: unknown) => e);
    expect(reconnects).to.equal(2);
    expect(error).to.be.instanceOf(UnreachableError);
    expect((error as Error).message).to.equal('fake1: img.tar.gz: transfer failed after 3 attempt(s): connection reset');
  });

  it('refuses a file that arrives corrupted: deletes the .part and names expected vs actual sha256', async () => {
    host.corruptNextPut = true;
    const error = await pushFile(host, request).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(TransferError);
    expect((error as Error).message).to.contain(`expected ${request.sha256}, host computed `);
    expect(existsSync(join(request.destDir, 'img.tar.gz.part'))).to.equal(false);
    expect(existsSync(join(request.destDir, 'img.tar.gz'))).to.equal(false);
  });

  it('refuses a host without room before sending anything', async () => {
    const huge = { ...request, size: 2 ** 52 };
    const error = await pushFile(host, huge).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.match(/needs 4096 TiB \(4503599627370496 bytes\), has .* free on .*dest dir/);
    expect(host.streamCalls).to.have.length(0);
  });

  it('check mode reports the bytes it would send and touches nothing', async () => {
    const outcome = await pushFile(host, request, { check: true });
    expect(outcome).to.include({ status: 'would_send', bytesSent: size });
    expect(existsSync(request.destDir)).to.equal(false);
  });

  it('quotes every path in the probe command (hostile file names stay one word)', () => {
    const command = probeCommand('/srv/$(id)', "/srv/$(id)/a'b", "/srv/$(id)/a'b.part", undefined);
    expect(command).to.contain("stat -c %s '/srv/$(id)/a'\"'\"'b'");
    expect(command).to.contain("d='/srv/$(id)';");
  });
});
