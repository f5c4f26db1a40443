import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalReporter, lastFailedHosts, newRunId, readHostListFile } from '../../../src/report/journal.js';
import type { RunEvent } from '../../../src/types/events.js';
import { InputError } from '../../../src/util/errors.js';
import { fixtureEvents, fixtureRedactor, SECRETS } from './run-fixture.js';

function runOf(playbook: string, runId: string, outcome: Record<string, 'ok' | 'failed' | 'unreachable'>): RunEvent[] {
  const at = '2026-11-27T22:15:00.000Z';
  const hosts = Object.keys(outcome);
  return [
    { type: 'run_start', playbook, runId, check: false, at },
    { type: 'play_start', play: 'p', hosts, at },
    ...hosts.map((host): RunEvent => ({ type: 'task_result', result: { host, task: 't', action: 'command', status: outcome[host] ?? 'ok', changed: false, startedAt: at, durationMs: 1 } })),
    { type: 'play_end', play: 'p', at },
    { type: 'run_end', summaries: {}, exitCode: 0, at },
  ];
}

async function journal(runsDir: string, playbook: string, events: RunEvent[]): Promise<JournalReporter> {
  const reporter = new JournalReporter(runsDir, playbook, fixtureRedactor());
  for (const event of events) reporter.onEvent(event);
  await reporter.close();
  return reporter;
}

describe('run journal', () => {
  let base: string;
  let runs: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'airlock-journal-'));
    runs = join(base, '.airlock', 'runs');
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('run ids sort by time', () => {
    const a = newRunId(new Date('2026-11-27T22:15:00Z'));
    const b = newRunId(new Date('2026-11-27T22:15:01Z'));
    const c = newRunId(new Date('2027-01-01T00:00:00Z'));
    expect(a).to.match(/^20261127T221500Z-[0-9a-f]{6}$/);
    expect([c, a, b].sort()).to.deep.equal([a, b, c]);
  });

  it('writes report.json and failed-hosts under .airlock/runs/<id>/ with 0700 dirs and 0600 files', async () => {
    const reporter = await journal(runs, 'playbooks/update.yml', fixtureEvents());
    const dir = reporter.runDir as string;
    expect(dir).to.equal(join(runs, '20261127T221500Z-a1b2c3'));
    expect((await stat(dir)).mode & 0o777).to.equal(0o700);
    expect((await stat(join(base, '.airlock'))).mode & 0o777).to.equal(0o700);
    for (const file of ['report.json', 'failed-hosts']) expect((await stat(join(dir, file))).mode & 0o777, file).to.equal(0o600);
    // failed, unreachable and rolled back, in inventory order
    expect(await readFile(join(dir, 'failed-hosts'), 'utf8')).to.equal('web2\ndb1\nweb3\n');
    const report = await readFile(join(dir, 'report.json'), 'utf8');
    expect(JSON.parse(report).run.id).to.equal('20261127T221500Z-a1b2c3');
    for (const secret of SECRETS) expect(report).to.not.include(secret);
  });

  it('lastFailedHosts finds the newest run of that playbook, not of another one', async () => {
    await journal(runs, join(base, 'update.yml'), runOf(join(base, 'update.yml'), '20261127T100000Z-aaaaaa', { a: 'failed', b: 'ok' }));
    await journal(runs, join(base, 'update.yml'), runOf(join(base, 'update.yml'), '20261127T110000Z-bbbbbb', { a: 'ok', b: 'unreachable', c: 'failed' }));
    await journal(runs, join(base, 'install.yml'), runOf(join(base, 'install.yml'), '20261127T120000Z-cccccc', { z: 'failed' }));
    expect(await lastFailedHosts(join(base, 'update.yml'), runs)).to.deep.equal(['b', 'c']);
    expect(await lastFailedHosts(join(base, 'install.yml'), runs)).to.deep.equal(['z']);
  });

  it('finds the newest run by scanning when the index is gone', async () => {
    const playbook = join(base, 'update.yml');
    await journal(runs, playbook, runOf(playbook, '20261127T100000Z-aaaaaa', { a: 'failed' }));
    await journal(runs, playbook, runOf(playbook, '20261127T110000Z-bbbbbb', { b: 'failed' }));
    await rm(join(runs, 'last'), { recursive: true });
    expect(await lastFailedHosts(playbook, runs)).to.deep.equal(['b']);
  });

  it('a clean last run gives no hosts; a playbook that never ran is an InputError', async () => {
    const playbook = join(base, 'update.yml');
    await journal(runs, playbook, runOf(playbook, '20261127T100000Z-aaaaaa', { a: 'ok' }));
    expect(await lastFailedHosts(playbook, runs)).to.deep.equal([]);
    let error: unknown;
    try {
      await lastFailedHosts(join(base, 'never.yml'), runs);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InputError);
    expect((error as Error).message).to.include('never.yml');
  });

  it('uses its own run id when the executor sent none usable', async () => {
    const reporter = await journal(runs, 'p.yml', runOf('p.yml', '../../etc', { a: 'ok' }));
    expect(reporter.runDir).to.match(/runs\/20261127T221500Z-[0-9a-f]{6}$/);
    expect((await readdir(runs)).sort()).to.have.members(['last', (reporter.runDir as string).split('/').pop() as string]);
  });

  it('readHostListFile reads Ansible retry files: one host per line, blanks, comments and duplicates skipped', async () => {
    const file = join(base, 'hosts.retry');
    await writeFile(file, 'web1\n\n# canaries done\nweb2\r\n  db1  \nweb1\n');
    expect(await readHostListFile(file)).to.deep.equal(['web1', 'web2', 'db1']);
  });

  it('readHostListFile names the file it could not read', async () => {
    let error: unknown;
    try {
      await readHostListFile(join(base, 'missing.retry'));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InputError);
    expect((error as InputError).location?.file).to.equal(join(base, 'missing.retry'));
    expect((error as Error).message).to.include('ENOENT');
  });
});
