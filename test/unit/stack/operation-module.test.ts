// stack_operation's real host commands (sh, flock, sha256sum, stat, touch) run on this machine through the local
// connection, against a record in a temp dir: the lease is taken, refused, expired, taken over and lost as on a host.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../src/connection/local.js';
import { stackOperationModule } from '../../../src/modules/stack_operation.js';
import { stopHeartbeats, unfinishedOperations } from '../../../src/modules/lib/leases.js';
import type { StackOperation } from '../../../src/stack/operation.js';
import { fakeContext } from '../modules/fake-connection.js';
import type { FakeConnection } from '../modules/fake-connection.js';

describe('stack_operation on a real shell', function () {
  this.timeout(20_000);
  let dir: string;
  let path: string;
  const conn = new LocalConnection('h1');
  const ctx = (runId: string) => fakeContext(conn as unknown as FakeConnection, { host: 'h1', conn, runId });
  const run = (runId: string, args: Record<string, unknown>) => stackOperationModule.run({ project: 'misp', path, ...args }, ctx(runId));
  const onDisk = (): StackOperation => JSON.parse(readFileSync(path, 'utf8')) as StackOperation;
  /** a record left by another run, as that run wrote it */
  const leftBy = (holder: Partial<StackOperation['holder']>, ageSeconds: number): void => {
    const record: StackOperation = {
      format: 1, operation: 'update', project: 'misp', from: 1, to: 2, bundle: 'v2',
      holder: { run_id: 'other-run', controller: 'ws-2', user: 'ops', pid: 1, ...holder },
      started_at: new Date(Date.now() - ageSeconds * 1000).toISOString(), phase: 'data carried', phases: [], lease_seconds: 60,
    };
    execFileSync('sh', ['-c', `mkdir -p "$(dirname "$1")" && cat > "$1" && touch -d "@$2" "$1"`, 'sh', path, String(Math.floor(Date.now() / 1000) - ageSeconds)], { input: `${JSON.stringify(record)}\n` });
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-op-'));
    path = join(dir, 'stacks', 'misp.operation.json');
  });
  afterEach(() => {
    stopHeartbeats();
    rmSync(dir, { recursive: true, force: true });
  });

  it('begin writes the intent (root-only), phases advance it, finish removes it', async () => {
    const begun = await run('run-a', { state: 'begin', operation: 'update', from: 1, to: '2', bundle: 'v2' });
    expect(begun).to.deep.include({ changed: true });
    expect(begun.data?.['interrupted']).to.equal(null);
    expect(onDisk()).to.deep.include({ operation: 'update', from: 1, to: 2, phase: 'started', holder: { run_id: 'run-a', controller: hostname(), user: conn.user, pid: process.pid } });
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect((await run('run-a', { state: 'phase', phase: 'data carried' })).failed).to.not.equal(true);
    expect(onDisk().phases.map((p) => p.phase)).to.deep.equal(['started', 'data carried']);
    expect(unfinishedOperations().map((u) => `${u.host} ${u.operation.phase}`)).to.deep.equal(['h1 data carried']);
    expect((await run('run-a', { state: 'finish' })).failed).to.not.equal(true);
    expect(existsSync(path)).to.equal(false);
    expect(unfinishedOperations()).to.deep.equal([]);
  });

  it('refuses a second run while the holder renews its lease, naming the holder, and changes nothing', async () => {
    leftBy({}, 5);
    const before = readFileSync(path, 'utf8');
    const refused = await run('run-b', { state: 'begin', operation: 'update', from: 1, to: 2 });
    expect(refused.failed).to.equal(true);
    expect(refused.msg).to.match(/^another operation holds h1: IN PROGRESS update r1 -> r2 at "data carried", run other-run from ws-2 \(ops\), started \d+ s ago, lease renewed \d s ago/);
    expect(refused.msg).to.contain('--break-lease');
    expect(readFileSync(path, 'utf8')).to.equal(before);
  });

  it('takes over an expired lease, or one whose holder died on this controller, and returns what was left unfinished', async () => {
    leftBy({}, 120);
    const expired = await run('run-c', { state: 'begin', operation: 'update', from: 1, to: 2 });
    expect(expired.data?.['took_over']).to.match(/^lease expired \d+ s ago$/);
    expect((expired.data?.['interrupted'] as StackOperation).phase).to.equal('data carried');
    expect(onDisk().holder.run_id).to.equal('run-c');
    stopHeartbeats();
    const dead = spawnSync('true').pid ?? 999999;
    leftBy({ controller: hostname(), pid: dead }, 1);
    const gone = await run('run-d', { state: 'begin', operation: 'rollback', from: 2, to: 1 });
    expect(gone.data?.['took_over']).to.equal('holder process is gone');
  });

  it('--break-lease takes a live lease over; the old holder then loses its next write and is told so', async () => {
    await run('run-a', { state: 'begin', operation: 'update', from: 1, to: 2 });
    const broken = await run('run-e', { state: 'begin', operation: 'update', from: 1, to: 2, break_lease: true });
    expect(broken.data?.['took_over']).to.equal('lease broken (--break-lease)');
    const lost = await run('run-a', { state: 'phase', phase: 'stopped' });
    expect(lost).to.deep.include({ failed: true, data: { lease_lost: true } });
    expect(lost.msg).to.contain('another run took the lease over');
    expect(onDisk().holder.run_id).to.equal('run-e');
  });

  it('renews the lease by touching the record while it names this run', async () => {
    await run('run-a', { state: 'begin', operation: 'install', to: 1, lease_seconds: 10 });
    execFileSync('touch', ['-d', '@1000000000', path]);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(statSync(path).mtimeMs).to.be.greaterThan(Date.now() - 10_000);
  });
});
