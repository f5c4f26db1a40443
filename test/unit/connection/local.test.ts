// The local connection runs the same wrapped shell text as SSH, through /bin/sh -c on the controller.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandTimeoutError } from '../../../src/connection/errors.js';
import { LocalConnection } from '../../../src/connection/local.js';
import { wrapCommand } from '../../../src/connection/command.js';

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('local connection', () => {
  let dir: string;
  const conn = new LocalConnection('localhost');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-local-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('returns rc, stdout and stderr without throwing on failure', async () => {
    const result = await conn.exec('echo out; echo err >&2; exit 3');
    expect(result).to.include({ rc: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('execWithFile gives the command the local file from an offset on as its stdin, and its exit status', async () => {
    const source = join(dir, 'stream-source');
    writeFileSync(source, Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251)));
    const seen: number[] = [];
    const result = await conn.execWithFile(`cat > ${dir}/stream-copy; echo done; exit 4`, source, { offset: 1000, onProgress: (p) => seen.push(p.bytesDone) });
    expect(result).to.include({ rc: 4, stdout: 'done\n' });
    expect(readFileSync(join(dir, 'stream-copy')).equals(readFileSync(source).subarray(1000))).to.equal(true);
    expect(seen.at(-1)).to.equal(300_000);
  });

  it('execWithFile: a command that stops reading early still reports its exit status', async () => {
    const source = join(dir, 'stream-big');
    writeFileSync(source, Buffer.alloc(4 * 1024 * 1024));
    const result = await conn.execWithFile('head -c 10 >/dev/null; exit 7', source);
    expect(result.rc).to.equal(7);
  });

  it('passes stdin and exports env values byte for byte', async () => {
    const hostile = `it's $(touch ${dir}/pwned) "q"`;
    const result = await conn.exec('cat; printf %s "$V"', { stdin: 'in\n', env: { V: hostile } });
    expect(result.stdout).to.equal(`in\n${hostile}`);
    expect(() => statSync(join(dir, 'pwned'))).to.throw();
  });

  it('kills a command that outlives its timeout', async () => {
    const started = Date.now();
    try {
      await conn.exec('sleep 5', { timeoutMs: 200 });
      expect.fail('no timeout');
    } catch (error) {
      expect(error).to.be.instanceOf(CommandTimeoutError);
    }
    expect(Date.now() - started).to.be.lessThan(3000);
  });

  it('resumes putFile from an offset into an identical file, reporting progress', async () => {
    const source = join(dir, 'src.bin');
    writeFileSync(source, Buffer.alloc(300_000, 7).map((_, i) => i % 251));
    const dest = join(dir, 'dest.bin');
    writeFileSync(dest, Buffer.concat([readFileSync(source).subarray(0, 100_000), Buffer.from('stale tail longer than the rest'.repeat(10_000))]));
    let last = 0;
    await conn.putFile(source, dest, { offset: 100_000, onProgress: (p) => (last = p.bytesDone) });
    expect(sha(dest)).to.equal(sha(source));
    expect(last).to.equal(300_000);
  });

  it('writes content with a mode, stats and fetches files', async () => {
    const path = join(dir, 'content.txt');
    await conn.putContent('hello', path, { mode: 0o640 });
    expect(await conn.stat(path)).to.include({ size: 5, mode: 0o640, isFile: true, isDirectory: false });
    expect(await conn.stat(join(dir, 'missing'))).to.equal(undefined);
    await conn.getFile(path, join(dir, 'back.txt'));
    expect(readFileSync(join(dir, 'back.txt'), 'utf8')).to.equal('hello');
  });
});

describe('command wrapping (shared by SSH and local)', () => {
  it('needs no sudo to become the user already connected', () => {
    expect(wrapCommand('id', { become: {} }, 'root')).to.deep.equal({ command: 'id' });
  });
  it('uses non-interactive sudo without a password', () => {
    expect(wrapCommand('id -un', { become: { user: 'misp' } }, 'deploy').command).to.equal("sudo -H -S -n -u misp -- sh -c 'id -un'");
  });
  it('pipes the sudo password on stdin, never in the command line', () => {
    const wrapped = wrapCommand('id', { become: { password: 'hunter2' } }, 'deploy');
    expect(wrapped.command).not.to.contain('hunter2');
    expect(wrapped.stdinPrefix).to.equal('hunter2\n');
  });
  it('exports env inside the sudo shell, quoted', () => {
    expect(wrapCommand('run', { env: { A: 'x y' }, become: { user: 'u' } }, 'root').command).to.equal(`sudo -H -S -n -u u -- sh -c 'export A='"'"'x y'"'"'; run'`);
  });
  it('lets the host kill a timed-out command with coreutils timeout, inside sudo', async () => {
    const wrapped = wrapCommand('sleep 5', { become: { user: 'u' } }, 'root', undefined, 1500);
    expect(wrapped.command).to.match(/^sudo -H -S -n -u u -- sh -c .*timeout -s KILL 1\.500 sh -c/);
    // and the wrapped text really is killed on time by /bin/sh + timeout
    const started = Date.now();
    const run = await new LocalConnection('localhost').exec(wrapCommand('sleep 5; echo survived', {}, 'root', undefined, 300).command);
    expect(run.stdout).to.equal('');
    expect(Date.now() - started).to.be.lessThan(3000);
  });
  it('refuses an environment name a shell would misread', () => {
    expect(() => wrapCommand('run', { env: { 'A;rm': 'x' } }, 'root')).to.throw(/invalid environment variable name/);
  });
});
