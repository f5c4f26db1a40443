// The fan-out's host commands: the authorized_keys line reads back (as OpenSSH parses it) to exactly the forced
// command, that command receives and verifies like a direct push, an expired line does nothing, and the relay's
// send never copies the bytes through an extra process unless it resumes.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  authorizedKeyLine, cleanupCommand, fanOutTag, forcedReceiveCommand, installKeyCommand, relaySendCommand,
} from '../../../src/bundle/fanout-commands.js';

/** OpenSSH's auth-options.c opt_dequote: inside the quotes, `\"` is a quote and every other byte is itself. */
function dequote(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\' && value[i + 1] === '"') i++;
    out += value[i];
  }
  return out;
}

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOyW+Cj4b0QYEx/7b+nrfFY7KMS1s7J1aNlbNg2qsJ3v';
const TAG = fanOutTag('0123456789abcdef');

describe('bundle/fanout-commands', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'airlock-fanout-unit-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function runForced(command: string, stdin: Buffer, home = dir): { status: number | null; stdout: string } {
    const line = authorizedKeyLine(command, KEY, TAG);
    const match = /^restrict,command="((?:[^"\\]|\\.)*)" (ssh-ed25519 \S+) (\S+)$/.exec(line);
    expect(match, line).not.to.equal(null);
    expect(match?.[2]).to.equal(KEY);
    expect(match?.[3]).to.equal(TAG);
    const forced = dequote(match?.[1] ?? '');
    expect(forced).to.equal(command);
    const result = spawnSync('/bin/sh', ['-c', forced], { input: stdin, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home } });
    return { status: result.status, stdout: result.stdout.toString() };
  }

  it('the key line reads back to the forced command, which verifies the bytes and renames only then', () => {
    const data = randomBytes(200_000);
    const sha = createHash('sha256').update(data).digest('hex');
    const final = join(dir, 'it\'s "an" image.tar.gz');
    const ok = runForced(forcedReceiveCommand(`${final}.part`, final, 0, data.length, sha, Math.floor(Date.now() / 1000) + 60), data);
    expect(ok.stdout).to.contain('verdict=ok');
    expect(readFileSync(final).equals(data)).to.equal(true);
    expect(existsSync(`${final}.part`)).to.equal(false);
  });

  it('other bytes of the same size are refused: no final file, no partial file', () => {
    const data = randomBytes(10_000);
    const final = join(dir, 'img.tar.gz');
    const bad = runForced(forcedReceiveCommand(`${final}.part`, final, 0, data.length, 'a'.repeat(64), Math.floor(Date.now() / 1000) + 60), data);
    expect(bad.status).to.equal(6);
    expect(bad.stdout).to.contain('verdict=mismatch');
    expect(existsSync(final) || existsSync(`${final}.part`)).to.equal(false);
  });

  it('an expired line refuses to run at all', () => {
    const final = join(dir, 'img.tar.gz');
    const late = runForced(forcedReceiveCommand(`${final}.part`, final, 0, 3, 'a'.repeat(64), Math.floor(Date.now() / 1000) - 1), Buffer.from('abc'));
    expect(late.status).to.equal(7);
    expect(existsSync(`${final}.part`)).to.equal(false);
  });

  it('install replaces the push\'s earlier line and keeps the others; cleanup removes only the push\'s lines', () => {
    const keys = join(dir, '.ssh', 'authorized_keys');
    const run = (command: string): void => { expect(spawnSync('/bin/sh', ['-c', command], { env: { PATH: process.env.PATH ?? '/bin', HOME: dir } }).status).to.equal(0); };
    run(installKeyCommand(authorizedKeyLine('echo one', KEY, TAG), TAG));
    spawnSync('/bin/sh', ['-c', `printf 'ssh-ed25519 AAAAother operator@ws\\n' >> "${keys}"`]);
    run(installKeyCommand(authorizedKeyLine('echo two', KEY, TAG), TAG));
    const lines = readFileSync(keys, 'utf8').trim().split('\n');
    expect(lines).to.deep.equal(['ssh-ed25519 AAAAother operator@ws', `restrict,command="echo two" ${KEY} ${TAG}`]);
    run(cleanupCommand('0123456789abcdef'));
    expect(readFileSync(keys, 'utf8')).to.equal('ssh-ed25519 AAAAother operator@ws\n');
  });

  it('a line cannot smuggle a second line, and only ed25519 keys are written', () => {
    expect(() => authorizedKeyLine('echo a\necho b', KEY, TAG)).to.throw(/one authorized_keys line/);
    expect(() => authorizedKeyLine('true', 'ssh-rsa AAAA', TAG)).to.throw(/ed25519/);
    expect(() => fanOutTag('../x')).to.throw(/16 hex digits/);
  });

  it('the relay sends a fresh copy by redirection, a resumed one from offset+1 with tail', () => {
    const base = { pushId: '0123456789abcdef', file: '/srv/img.tar.gz', receiver: 'h2', address: '10.0.0.3', port: 2222, user: 'root' };
    const fresh = relaySendCommand({ ...base, offset: 0 });
    expect(fresh).to.match(/ -p 2222 -l root 10\.0\.0\.3 airlock-receive < \/srv\/img\.tar\.gz$/);
    expect(fresh).to.contain('-o HostKeyAlias=airlock-fanout-h2');
    expect(fresh).to.contain('-o StrictHostKeyChecking=yes');
    expect(relaySendCommand({ ...base, offset: 1000 })).to.match(/^tail -c \+1001 \/srv\/img\.tar\.gz \| ssh /);
  });
});
