// Commands and files on a real lab host: results, env quoting, timeouts, a host dropping mid-command,
// channel capping, resumable uploads, downloads and stat.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandTimeoutError, UnreachableError } from '../../../src/connection/errors.js';
import type { Connection } from '../../../src/connection/types.js';
import type { ConnectionPool } from '../../../src/connection/pool.js';
import { quote } from '../../../src/util/shell.js';
import { labContext, type LabContext } from './lab-context.js';
import { dropSessions, setLink } from '../../support/lab-hosts.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('connection: commands and files on a lab host', function () {
  this.timeout(120_000);
  let ctx: LabContext;
  let pool: ConnectionPool;
  let host: string;
  let conn: Connection;
  let dir: string;
  before(async () => {
    ctx = await labContext();
    pool = ctx.pool({ keepaliveIntervalMs: 1000, keepaliveCountMax: 3 });
    host = ctx.lab.hosts[3]?.name as string;
    conn = await pool.get(host, ctx.vars(host));
    dir = mkdtempSync(join(tmpdir(), 'airlock-transfer-'));
  });
  after(async () => {
    await pool.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns rc, stdout, stderr and passes stdin and env byte for byte', async () => {
    const hostile = `it's "$HOME" $(id) \`x\` ;|&`;
    const result = await conn.exec('cat; printf %s "$V" >&2; exit 7', { stdin: 'from stdin\n', env: { V: hostile } });
    expect(result).to.include({ rc: 7, stdout: 'from stdin\n', stderr: hostile });
  });

  it('runs become as the connected user (root) without sudo', async () => {
    const result = await conn.exec('id -un', { become: { user: 'root' } });
    expect(result).to.include({ rc: 0, stdout: 'root\n' });
  });

  it('kills a command past its timeout and the connection stays usable', async () => {
    const pidFile = `/srv/airlock-timeout-${process.pid}.pid`;
    const marker = `/srv/airlock-timeout-${process.pid}.done`;
    const started = Date.now();
    try {
      await conn.exec(`echo $$ > ${quote(pidFile)}; sleep 30; touch ${quote(marker)}`, { timeoutMs: 500 });
      expect.fail('no timeout');
    } catch (error) {
      expect(error).to.be.instanceOf(CommandTimeoutError);
      expect((error as CommandTimeoutError).host).to.equal(host);
    }
    expect(Date.now() - started).to.be.lessThan(5000);
    // the shell running the command was killed: it will never reach `touch`
    // (a killed process whose parent died too may linger as a zombie until init reaps it: that counts as gone)
    const after = await conn.exec(`state=$(awk '{print $3}' /proc/"$(cat ${quote(pidFile)})"/stat 2>/dev/null); rm -f ${quote(pidFile)}; case "$state" in ''|Z) echo gone;; *) echo "still-running ($state)";; esac`);
    expect(after.stdout.trim()).to.equal('gone');
  });

  it('queues commands beyond the per-connection channel cap instead of failing', async () => {
    const capped = ctx.pool({ maxChannelsPerHost: 3 });
    try {
      const c = await capped.get(host, ctx.vars(host));
      const slots = `/srv/airlock-slots-${process.pid}`;
      await c.exec(`rm -rf ${quote(slots)} && mkdir ${quote(slots)}`);
      // each command counts the commands running alongside it
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => c.exec(`touch ${quote(`${slots}/${i}`)}; ls ${quote(slots)} | wc -l; sleep 0.3; rm ${quote(`${slots}/${i}`)}`)),
      );
      expect(results.every((r) => r.rc === 0)).to.equal(true);
      expect(Math.max(...results.map((r) => Number(r.stdout.trim())))).to.be.at.most(3);
      await c.exec(`rm -rf ${quote(slots)}`);
    } finally {
      await capped.closeAll();
    }
  });

  it('rejects pending commands promptly with UnreachableError when the host drops mid-command', async () => {
    const victim = ctx.lab.hosts[4]?.name as string;
    const dropping = ctx.pool({ keepaliveIntervalMs: 1000, keepaliveCountMax: 2 });
    try {
      const c = await dropping.get(victim, ctx.vars(victim));
      const running = [c.exec('sleep 60'), c.exec('sleep 60')];
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = Date.now();
      expect(dropSessions(ctx.lab, victim)).to.be.greaterThan(0);
      for (const pending of running) {
        try {
          await pending;
          expect.fail('the command finished although its host dropped');
        } catch (error) {
          expect(error).to.be.instanceOf(UnreachableError);
          expect((error as UnreachableError).host).to.equal(victim);
        }
      }
      expect(Date.now() - started).to.be.lessThan(5000);
      // the pool forgot the dead connection: the next get() connects afresh
      const again = await (await dropping.get(victim, ctx.vars(victim))).exec('hostname');
      expect(again.stdout.trim()).to.equal(victim);
    } finally {
      await dropping.closeAll();
    }
  });

  it('detects a host that goes silent (link down) by keepalive and rejects pending commands, never hanging', async () => {
    const victim = ctx.lab.hosts[8]?.name as string;
    const silent = ctx.pool({ keepaliveIntervalMs: 500, keepaliveCountMax: 2 });
    try {
      const c = await silent.get(victim, ctx.vars(victim));
      const running = c.exec('sleep 60');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      setLink(ctx.lab, victim, false);
      try {
        await running;
        expect.fail('the command finished although its host went silent');
      } catch (error) {
        expect(error).to.be.instanceOf(UnreachableError);
        expect((error as Error).message).to.match(/Keepalive timeout/);
      }
      expect(Date.now() - started).to.be.lessThan(6000);
    } finally {
      setLink(ctx.lab, victim, true);
      await silent.closeAll();
    }
  });

  it('resumes an aborted upload from the remote size into an identical file', async () => {
    const local = join(dir, 'bundle.bin');
    const content = randomBytes(8 * 1024 * 1024);
    writeFileSync(local, content);
    const remote = `/srv/airlock-upload-${process.pid}.bin`;
    const abort = new AbortController();
    let seen = 0;
    try {
      await conn.putFile(local, remote, {
        onProgress: (p) => {
          seen = p.bytesDone;
          if (p.bytesDone >= 2 * 1024 * 1024) abort.abort();
        },
        signal: abort.signal,
      });
      expect.fail('the upload was not aborted');
    } catch (error) {
      expect((error as Error).name).to.equal('AbortError');
    }
    const partial = await conn.stat(remote);
    expect(partial?.size).to.be.greaterThan(0).and.lessThan(content.length);
    const offset = partial?.size as number;
    const progress: number[] = [];
    await conn.putFile(local, remote, { offset, onProgress: (p) => progress.push(p.bytesDone) });
    expect(progress[0]).to.equal(offset);
    expect(progress[progress.length - 1]).to.equal(content.length);
    expect(seen).to.be.at.least(2 * 1024 * 1024);
    const remoteSum = await conn.exec(`sha256sum ${quote(remote)}`);
    expect(remoteSum.stdout.split(' ')[0]).to.equal(sha256(content));
    const back = join(dir, 'back.bin');
    await conn.getFile(remote, back);
    expect(sha256(readFileSync(back))).to.equal(sha256(content));
    await conn.exec(`rm -f ${quote(remote)}`);
  });

  it('writes content with a mode and stats paths (missing is undefined)', async () => {
    const remote = `/srv/airlock-content-${process.pid}.txt`;
    await conn.putContent('hello lab\n', remote, { mode: 0o640 });
    expect(await conn.stat(remote)).to.include({ size: 10, mode: 0o640, isFile: true, isDirectory: false });
    expect(await conn.stat('/tmp')).to.include({ isDirectory: true });
    expect(await conn.stat(`/srv/airlock-missing-${process.pid}`)).to.equal(undefined);
    expect((await conn.exec(`cat ${quote(remote)}; rm -f ${quote(remote)}`)).stdout).to.equal('hello lab\n');
  });
});
