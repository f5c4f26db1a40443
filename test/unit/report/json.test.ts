import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonReporter, OUTPUT_LIMIT_BYTES, toRecord, type JsonReport } from '../../../src/report/json.js';
import { NO_LOG_MESSAGE } from '../../../src/report/redact.js';
import { fixtureEvents, fixtureRedactor, normalise, SECRETS } from './run-fixture.js';
import { expectGolden } from './golden.js';

describe('JSON reporter (--json FILE)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-json-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeFixture(): Promise<{ path: string; text: string; report: JsonReport }> {
    const path = join(dir, 'out', 'report.json');
    const reporter = new JsonReporter(path, fixtureRedactor());
    for (const event of fixtureEvents()) reporter.onEvent(event);
    await reporter.close();
    const text = await readFile(path, 'utf8');
    return { path, text, report: JSON.parse(text) as JsonReport };
  }

  it('writes the fixture run as the golden file says', async () => {
    const { text } = await writeFixture();
    expectGolden('report.json', normalise(text));
  });

  it('has one record per host per task and a summary per host', async () => {
    const { report } = await writeFixture();
    const taskResults = fixtureEvents().filter((e) => e.type === 'task_result').length;
    expect(report.results).to.have.length(taskResults);
    expect(report.run).to.include({ id: '20261127T221500Z-a1b2c3', playbook: 'playbooks/update.yml', check: false, exitCode: 2 });
    expect(report.hosts.web2).to.include({ ok: 1, failed: 1, failedTask: 'misp_update : install packages' });
    expect(report.hosts.web4).to.include({ ok: 0, failed: 0 });
    const loop = report.results.find((r) => r.host === 'web2' && r.task === 'install packages');
    expect(loop?.results?.map((r) => r.item)).to.deep.equal(['misp-core', { name: 'misp-modules', version: '2.4' }]);
    expect(report.plays[0]?.halted?.untouchedHosts).to.deep.equal(['web4']);
    expect(report.plays[0]?.batches.map((b) => b.hosts.length)).to.deep.equal([1, 4]);
    expect(report.plays[0]?.tasks.find((t) => t.name === 'check free space')?.results).to.deep.equal({ canary1: 'ok', web1: 'ok', web2: 'ok', db1: 'ok', web3: 'unreachable' });
  });

  it('hides no_log output and every registered secret', async () => {
    const { text, report } = await writeFixture();
    for (const secret of SECRETS) expect(text).to.not.include(secret);
    const hidden = report.results.find((r) => r.task === 'set admin password');
    expect(hidden).to.include({ msg: NO_LOG_MESSAGE, status: 'changed', host: 'canary1', noLog: true });
    expect(hidden).to.not.have.any.keys('stdout', 'rc');
  });

  it('is written atomically with mode 0600 and leaves no temporary file', async () => {
    const { path } = await writeFixture();
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
    expect(await readdir(join(dir, 'out'))).to.deep.equal(['report.json']);
  });

  it('caps stdout and stderr at 8 KiB and says so', () => {
    const big = 'x'.repeat(OUTPUT_LIMIT_BYTES + 100);
    const record = toRecord('p', { host: 'h', task: 't', action: 'command', status: 'ok', changed: false, stdout: big, stderr: 'short', startedAt: 'now', durationMs: 1 });
    expect(Buffer.byteLength(record.stdout ?? '')).to.equal(OUTPUT_LIMIT_BYTES);
    expect(record.stderr).to.equal('short');
    expect(record.truncated).to.equal(true);
  });

  it('does not cut a multi-byte character in half', () => {
    const text = 'é'.repeat(OUTPUT_LIMIT_BYTES); // 2 bytes each
    const record = toRecord('p', { host: 'h', task: 't', action: 'command', status: 'ok', changed: false, stdout: `a${text}`, startedAt: 'now', durationMs: 1 });
    expect(record.stdout?.endsWith('é')).to.equal(true);
    expect(record.stdout).to.not.include('\uFFFD');
  });

  it('still writes a report when the run never ended (aborted run)', async () => {
    const path = join(dir, 'partial.json');
    const reporter = new JsonReporter(path);
    for (const event of fixtureEvents().slice(0, 10)) reporter.onEvent(event);
    await reporter.close();
    const report = JSON.parse(await readFile(path, 'utf8')) as JsonReport;
    expect(report.run.finished).to.equal(null);
    expect(report.run.exitCode).to.equal(null);
    expect(report.results.length).to.be.greaterThan(0);
  });
});
