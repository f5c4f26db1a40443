// The store's decisions and its file writes: strict refusal, TOFU recording, concurrent appends, changed keys.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostKeyError } from '../../../src/connection/errors.js';
import { KnownHostsStore } from '../../../src/connection/known-hosts.js';
import { rejectionOf } from '../../support/rejection.js';
import { fingerprintSha256 } from '../../../src/connection/known-hosts-format.js';

function newKey(dir: string, name: string): { blob: Buffer; line: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  const line = readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return { blob: Buffer.from(line.split(' ')[1] as string, 'base64'), line };
}


describe('known_hosts store', () => {
  let dir: string;
  let keys: Array<{ blob: Buffer; line: string }>;
  before(function () {
    this.timeout(20_000);
    dir = mkdtempSync(join(tmpdir(), 'airlock-khs-'));
    keys = Array.from({ length: 3 }, (_, i) => newKey(dir, `k${i}`));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const target = (file: string, address = '10.0.0.1', port = 22) => ({ host: 'web1', address, port, files: [file] });

  it('refuses an unknown key, saying the fingerprint and how to accept it', async () => {
    const file = join(dir, 'strict');
    const store = new KnownHostsStore({ userKnownHostsFile: join(dir, 'user_kh') });
    const error = await rejectionOf(store.verify(target(file), (keys[0] as { blob: Buffer }).blob), HostKeyError);
    expect(error.kind).to.equal('unknown');
    expect(error.message).to.contain(`ED25519 key fingerprint is ${fingerprintSha256((keys[0] as { blob: Buffer }).blob)}`);
    expect(error.message).to.contain('--accept-new-host-keys');
    expect(error.message).to.contain(`add this line to ${file}: 10.0.0.1 ${(keys[0] as { line: string }).line}`);
  });

  it('records a new key with accept-new (mode 0600), then trusts it strictly', async () => {
    const file = join(dir, 'tofu');
    const key = keys[0] as { blob: Buffer; line: string };
    await new KnownHostsStore({ acceptNewHostKeys: true, userKnownHostsFile: join(dir, 'user_kh') }).verify(target(file, '10.0.0.2', 2222), key.blob);
    expect(readFileSync(file, 'utf8')).to.equal(`[10.0.0.2]:2222 ${key.line}\n`);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    await new KnownHostsStore({ userKnownHostsFile: join(dir, 'user_kh') }).verify(target(file, '10.0.0.2', 2222), key.blob);
  });

  it('appends 50 hosts at once without losing, mangling or duplicating a line', async () => {
    const file = join(dir, 'concurrent');
    writeFileSync(file, '# existing\n');
    const store = new KnownHostsStore({ acceptNewHostKeys: true, userKnownHostsFile: join(dir, 'user_kh') });
    const key = keys[1] as { blob: Buffer; line: string };
    const hosts = Array.from({ length: 50 }, (_, i) => `10.0.1.${i + 1}`);
    // every host twice, as when two tasks connect to the same host at once
    await Promise.all([...hosts, ...hosts].map((address) => store.verify(target(file, address), key.blob)));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).to.equal(51);
    expect(new Set(lines.slice(1).map((l) => l.split(' ')[0]))).to.deep.equal(new Set(hosts));
    expect(lines.slice(1).every((l) => l.endsWith(key.line))).to.equal(true);
  });

  it('keeps a hashed file hashed', async () => {
    const file = join(dir, 'hashed');
    const key = keys[2] as { blob: Buffer; line: string };
    writeFileSync(file, `other ${key.line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    await new KnownHostsStore({ acceptNewHostKeys: true, userKnownHostsFile: join(dir, 'user_kh') }).verify(target(file, 'newhost'), key.blob);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).to.equal(2);
    expect(lines.every((l) => l.startsWith('|1|'))).to.equal(true);
    expect(execFileSync('ssh-keygen', ['-F', 'newhost', '-f', file], { encoding: 'utf8' })).to.contain('found: line 2');
  });

  it('refuses a changed key even with accept-new, naming both fingerprints and the recorded line', async () => {
    const file = join(dir, 'changed');
    const recorded = keys[0] as { blob: Buffer; line: string };
    const presented = keys[1] as { blob: Buffer; line: string };
    writeFileSync(file, `# first line\n10.0.0.9 ${recorded.line}\n`);
    const error = await rejectionOf(new KnownHostsStore({ acceptNewHostKeys: true, userKnownHostsFile: join(dir, 'user_kh') }).verify(target(file, '10.0.0.9'), presented.blob), HostKeyError);
    expect(error.kind).to.equal('changed');
    expect(error.message).to.contain(fingerprintSha256(recorded.blob));
    expect(error.message).to.contain(fingerprintSha256(presented.blob));
    expect(error.message).to.contain(`${file}:2`);
    expect(readFileSync(file, 'utf8')).to.equal(`# first line\n10.0.0.9 ${recorded.line}\n`);
  });

  it('refuses a @revoked key', async () => {
    const file = join(dir, 'revoked');
    const key = keys[2] as { blob: Buffer; line: string };
    writeFileSync(file, `10.0.0.10 ${key.line}\n@revoked * ${key.line}\n`);
    const error = await rejectionOf(new KnownHostsStore({ acceptNewHostKeys: true, userKnownHostsFile: join(dir, 'user_kh') }).verify(target(file, '10.0.0.10'), key.blob), HostKeyError);
    expect(error.kind).to.equal('revoked');
  });
});
