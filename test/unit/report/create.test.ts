import { expect } from 'chai';
import { mkdtemp, readFile, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReporters, wantsLive } from '../../../src/report/create.js';
import { PlainReporter } from '../../../src/report/plain.js';
import { LiveReporter } from '../../../src/report/live.js';
import { fixtureEvents, fixtureRedactor, SECRETS } from './run-fixture.js';
import { MemoryStream } from './memory-stream.js';

describe('createReporters', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-create-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('auto picks live on an interactive terminal and plain in CI or a pipe', () => {
    expect(wantsLive(new MemoryStream(true), {})).to.equal(true);
    expect(wantsLive(new MemoryStream(true), { CI: 'true' })).to.equal(false);
    expect(wantsLive(new MemoryStream(true), { CI: 'false' })).to.equal(true);
    expect(wantsLive(new MemoryStream(true), { TERM: 'dumb' })).to.equal(false);
    expect(wantsLive(new MemoryStream(false), {})).to.equal(false);
    expect(createReporters({ output: 'plain', verbosity: 0, stream: new MemoryStream(true) }).reporters[0]).to.be.instanceOf(PlainReporter);
    expect(createReporters({ output: 'live', verbosity: 0, stream: new MemoryStream(false) }).reporters[0]).to.be.instanceOf(LiveReporter);
  });

  it('fans one run out to terminal, JSON, JUnit and journal, all redacted, and offers the retry command', async () => {
    const stream = new MemoryStream();
    const runs = join(dir, '.airlock', 'runs');
    const reporter = createReporters({
      output: 'auto',
      verbosity: 1,
      stream,
      json: join(dir, 'out.json'),
      junit: join(dir, 'out.xml'),
      journal: { dir: runs, playbook: 'playbooks/update.yml' },
      redactor: fixtureRedactor(),
    });
    for (const event of fixtureEvents()) reporter.onEvent(event);
    await reporter.close();
    const outputs = [
      stream.text,
      await readFile(join(dir, 'out.json'), 'utf8'),
      await readFile(join(dir, 'out.xml'), 'utf8'),
      await readFile(join(runs, '20261127T221500Z-a1b2c3', 'report.json'), 'utf8'),
    ];
    for (const output of outputs) for (const secret of SECRETS) expect(output).to.not.include(secret);
    expect(outputs[1]).to.equal(outputs[3]);
    expect(stream.text).to.include(`to retry the failed hosts: airlock run playbooks/update.yml --limit @${join(runs, '20261127T221500Z-a1b2c3', 'failed-hosts')}`);
    expect(await readdir(dir)).to.have.members(['.airlock', 'out.json', 'out.xml']);
  });

  it('showCredentials prints registered secrets but still hides no_log results', async () => {
    const stream = new MemoryStream();
    const reporter = createReporters({ output: 'plain', verbosity: 1, stream, redactor: fixtureRedactor(), showCredentials: true });
    for (const event of fixtureEvents()) reporter.onEvent(event);
    await reporter.close();
    expect(stream.text).to.include(SECRETS[1]);
    expect(stream.text).to.not.include('password set to');
  });
});
