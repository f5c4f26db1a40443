// known_hosts parsing and matching, checked against OpenSSH's own ssh-keygen on real files.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fingerprintSha256,
  hashHostName,
  hostFieldMatches,
  judgeHostKey,
  knownHostsName,
  KnownHostsIndex,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from '../../../src/connection/known-hosts-format.js';

function generateKey(dir: string, name: string, type = 'ed25519'): { blob: Buffer; line: string; file: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
  const line = readFileSync(`${file}.pub`, 'utf8').trim();
  return { blob: Buffer.from(line.split(' ')[1] as string, 'base64'), line, file };
}

describe('known_hosts format', () => {
  let dir: string;
  let keyA: ReturnType<typeof generateKey>;
  let keyB: ReturnType<typeof generateKey>;
  let keyRsa: ReturnType<typeof generateKey>;

  before(function () {
    this.timeout(20_000);
    dir = mkdtempSync(join(tmpdir(), 'airlock-kh-'));
    keyA = generateKey(dir, 'a');
    keyB = generateKey(dir, 'b');
    keyRsa = generateKey(dir, 'r', 'ecdsa');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints fingerprints exactly as ssh-keygen -l does', () => {
    for (const key of [keyA, keyRsa]) {
      const openssh = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key.file}.pub`], { encoding: 'utf8' }).split(' ')[1];
      expect(fingerprintSha256(key.blob)).to.equal(openssh);
    }
  });

  it('uses [host]:port for non-standard ports', () => {
    expect(knownHostsName('10.0.0.1', 22)).to.equal('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).to.equal('[10.0.0.1]:2222');
  });

  it('hashes names so that ssh-keygen -F finds them', () => {
    const file = join(dir, 'hashed_by_us');
    const name = knownHostsName('10.1.2.3', 2200);
    writeFileSync(file, `${hashHostName(name)} ${keyA.line.split(' ').slice(0, 2).join(' ')}\n`);
    const found = execFileSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' });
    expect(found).to.contain('Host [10.1.2.3]:2200 found: line 1');
  });

  it('matches entries that ssh-keygen -H hashed', () => {
    const file = join(dir, 'hashed_by_openssh');
    const [type, b64] = keyA.line.split(' ');
    writeFileSync(file, `web1,10.0.0.7 ${type} ${b64}\n[10.0.0.8]:2022 ${type} ${b64}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const entries = parseKnownHosts(readFileSync(file, 'utf8'), file);
    expect(entries.length).to.equal(3);
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).to.equal(true);
    for (const name of ['web1', '10.0.0.7', '[10.0.0.8]:2022']) {
      expect(judgeHostKey(entries, [name], keyA.blob).kind, name).to.equal('trusted');
    }
    expect(judgeHostKey(entries, ['10.0.0.8'], keyA.blob).kind).to.equal('unknown');
  });

  it('matches comma lists, wildcards and negations like OpenSSH', () => {
    expect(hostFieldMatches('web1,web2', 'web2')).to.equal(true);
    expect(hostFieldMatches('*.lab,!db.lab', 'web.lab')).to.equal(true);
    expect(hostFieldMatches('*.lab,!db.lab', 'db.lab')).to.equal(false);
    expect(hostFieldMatches('10.0.0.?', '10.0.0.5')).to.equal(true);
    expect(hostFieldMatches('10.0.0.?', '10.0.0.55')).to.equal(false);
    expect(hostFieldMatches('[10.0.0.5]:2222', '10.0.0.5')).to.equal(false);
    // names compare without case, plain or wildcard, and a dot in a plain name is a dot
    expect(hostFieldMatches('Web1.LAB', 'web1.lab')).to.equal(true);
    expect(hostFieldMatches('*.LAB', 'web1.lab')).to.equal(true);
    expect(hostFieldMatches('web1.lab', 'web1xlab')).to.equal(false);
    expect(hostFieldMatches('!WEB1.lab,*', 'web1.lab')).to.equal(false);
  });

  it('judges trusted, changed (with the recorded line), unknown, revoked and cert-authority-only keys', () => {
    const [type, a64] = keyA.line.split(' ');
    const b64 = keyB.line.split(' ')[1];
    const text = [
      '# comment',
      `h1 ${type} ${a64}`,
      `@revoked * ${type} ${b64}`,
      `@cert-authority *.ca.lab ${type} ${a64}`,
      'garbage line',
      `h2 ${type} ${a64}`,
    ].join('\n');
    const entries = parseKnownHosts(text, '/kh');
    expect(entries.map((e) => e.line)).to.deep.equal([2, 3, 4, 6]);
    expect(judgeHostKey(entries, ['h1'], keyA.blob).kind).to.equal('trusted');
    const changed = judgeHostKey(entries, ['h2'], keyRsa.blob);
    expect(changed.kind).to.equal('changed');
    expect(changed.kind === 'changed' && `${changed.recorded.file}:${changed.recorded.line}`).to.equal('/kh:6');
    expect(judgeHostKey(entries, ['h3'], keyA.blob).kind).to.equal('unknown');
    expect(judgeHostKey(entries, ['h1'], keyB.blob).kind).to.equal('revoked');
    expect(judgeHostKey(entries, ['x.ca.lab'], keyA.blob).kind).to.equal('unsupported');
  });

  it('the name index decides exactly as walking every entry, for every kind of entry and name', () => {
    const ed = (key: ReturnType<typeof generateKey>): string => key.line.split(' ').slice(0, 2).join(' ');
    const text = [
      `web1,WEB2 ${ed(keyA)}`,
      `web2 ${ed(keyRsa)}`,
      `${hashHostName('10.0.0.9')} ${ed(keyA)}`,
      `*.lab,!bad.lab ${ed(keyB)}`,
      `@revoked other ${ed(keyB)}`,
      `@cert-authority *.ca.lab ${ed(keyA)}`,
      `[10.0.0.5]:2222 ${ed(keyA)}`,
      `web1 ${ed(keyB)}`,
    ].join('\n');
    const entries = parseKnownHosts(text, '/kh');
    const index = new KnownHostsIndex(entries);
    const names = ['web1', 'Web2', 'web3', '10.0.0.9', '10.0.0.8', 'a.lab', 'bad.lab', 'x.ca.lab', 'other', '[10.0.0.5]:2222', '10.0.0.5'];
    for (const name of names) {
      for (const key of [keyA, keyB, keyRsa]) {
        expect(judgeHostKey(index.candidates([name]), [name], key.blob), name).to.deep.equal(judgeHostKey(entries, [name], key.blob));
      }
    }
    // a plain name is looked up, not walked: only its own entries and the ones a map cannot answer come back
    expect(index.candidates(['web1']).map((e) => e.line)).to.deep.equal([1, 3, 4, 5, 6, 8]);
    expect(index.candidates(['web3']).map((e) => e.line)).to.deep.equal([3, 4, 5, 6]);
  });

  it('offers recorded key types first so the host answers with the key we know', () => {
    expect(preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 3)).to.deep.equal(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms([])[0]).to.equal('ssh-ed25519');
  });
});
