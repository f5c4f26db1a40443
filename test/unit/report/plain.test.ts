import { expect } from 'chai';
import { PlainReporter } from '../../../src/report/plain.js';
import type { RunEvent } from '../../../src/types/events.js';
import { NO_LOG_MESSAGE } from '../../../src/report/redact.js';
import { fixtureEvents, fixtureRedactor, normalise, SECRETS } from './run-fixture.js';
import { expectGolden } from './golden.js';
import { MemoryStream } from './memory-stream.js';

async function render(verbosity: number, events: RunEvent[] = fixtureEvents()): Promise<string> {
  const stream = new MemoryStream();
  const reporter = new PlainReporter({ stream, verbosity, redactor: fixtureRedactor() });
  for (const event of events) reporter.onEvent(event);
  await reporter.close();
  return stream.text;
}

describe('plain reporter', () => {
  it('heads each start of a task, also two consecutive tasks with the same display name (told apart by taskId)', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const start = (taskId: string): RunEvent => ({ type: 'task_start', taskId, host: 'web1', task: 'debug', at });
    const done = (taskId: string, msg: string): RunEvent => ({ type: 'task_result', result: { taskId, host: 'web1', task: 'debug', action: 'debug', status: 'ok', changed: false, msg, startedAt: at, durationMs: 1 } });
    const text = await render(0, [{ type: 'play_start', play: 'p', hosts: ['web1'], at }, start('1'), done('1', 'first'), start('2'), done('2', 'second')]);
    expect(text.match(/^TASK \[debug\]/gm)).to.have.length(2);
    expect(text).to.include('ok: [web1] => {\n    "msg": "first"\n}');
  });

  it('prints debug as Ansible dumps it: the variable or msg as indented JSON with sorted keys, nothing under no_log', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const text = await render(0, [
      { type: 'play_start', play: 'p', hosts: ['web1'], at },
      { type: 'task_result', result: { taskId: '1', host: 'web1', task: 'debug', action: 'debug', status: 'ok', changed: false, data: { cfg: { b: 1, a: [true, null] } }, startedAt: at, durationMs: 1 } },
      { type: 'task_result', result: { taskId: '2', host: 'web1', task: 'secret', action: 'debug', status: 'ok', changed: false, msg: 'hidden', noLog: true, startedAt: at, durationMs: 1 } },
    ]);
    expect(text).to.include('ok: [web1] => {\n    "cfg": {\n        "a": [\n            true,\n            null\n        ],\n        "b": 1\n    }\n}');
    expect(text).to.not.include('hidden');
  });

  it('prints the fixture run as the golden file says (default verbosity)', async () => {
    expectGolden('plain.txt', normalise(await render(0)));
  });

  it('prints the fixture run as the golden file says (-vv)', async () => {
    expectGolden('plain-vv.txt', normalise(await render(2)));
  });

  it('never prints a registered secret, at any verbosity', async () => {
    for (const verbosity of [0, 1, 2, 3]) {
      const text = await render(verbosity);
      for (const secret of SECRETS) expect(text, `-v x${verbosity}`).to.not.include(secret);
    }
  });

  it('prints Ansible-style lines for each outcome', async () => {
    const text = await render(0);
    expect(text).to.match(/^PLAY \[Update the MISP stack\] \*+$/m);
    expect(text).to.match(/^TASK \[misp_update : check free space\] \*+$/m);
    expect(text).to.include('ok: [canary1]\n');
    expect(text).to.include('changed: [web1] => (item=misp-core)\n');
    expect(text).to.include('failed: [web2] (item={"name":"misp-modules","version":"2.4"}) => non-zero return code (rc=100)\n');
    expect(text).to.include('fatal: [web3]: UNREACHABLE! => ssh: connect to 10.77.0.5 port 22: Connection timed out\n');
    expect(text).to.include('skipping: [db1]\n');
    expect(text).to.match(/failed: \[web1\] => non-zero return code \(rc=1\)\n {4}stderr:\n {6}\| rm: cannot remove .*\n\.\.\.ignoring\n/);
    expect(text).to.include(`changed: [canary1]\n`);
    expect(text).to.not.include('password set to');
  });

  it('heads a handler RUNNING HANDLER [role : name], as Ansible does, and its result under it', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const result = (task: string): RunEvent => ({ type: 'task_result', result: { host: 'web1', task, role: 'nginx', action: 'command', status: 'changed', changed: true, startedAt: at, durationMs: 1 } });
    const text = await render(0, [
      { type: 'play_start', play: 'web', hosts: ['web1'], at },
      { type: 'task_start', taskId: '1', host: 'web1', task: 'write config', role: 'nginx', at },
      result('write config'),
      { type: 'task_start', taskId: '2', host: 'web1', task: 'restart nginx', role: 'nginx', handler: true, at },
      result('restart nginx'),
    ]);
    expect(text).to.match(/^TASK \[nginx : write config\] \*+\nchanged: \[web1\]$/m);
    expect(text).to.match(/^RUNNING HANDLER \[nginx : restart nginx\] \*+\nchanged: \[web1\]$/m);
    expect(text).to.not.include('TASK [nginx : restart nginx]');
  });

  it('shows the halted rollout: batch, reason, changed and untouched hosts', async () => {
    const text = await render(0);
    const block = text.slice(text.indexOf('ROLLOUT HALTED'));
    expect(block).to.match(/batch: +2 failed/);
    expect(block).to.include('reason:    50% of the batch failed');
    expect(block).to.include('changed:   canary1, web1, db1');
    expect(block).to.include('untouched: web4');
  });

  it('ends with the recap and lists each failed host with its failing task', async () => {
    const text = await render(0);
    const recap = text.slice(text.indexOf('PLAY RECAP'));
    expect(recap).to.match(/^web2 +: ok=1 +changed=0 +unreachable=0 +failed=1 /m);
    expect(recap).to.match(/^db1 +: .*rolled_back=1/m);
    expect(recap).to.include('web2: FAILED at TASK [misp_update : install packages] => One or more items failed');
    expect(recap).to.include('web3: UNREACHABLE at TASK [misp_update : check free space] => ssh: connect to 10.77.0.5');
  });

  it('at -v prints stdout and stderr of every result, but not of no_log results', async () => {
    const text = await render(1);
    expect(text).to.include('42G available');
    expect(text).to.include('E: Could not fetch archives');
    expect(text).to.not.include('password set to');
    expect(await render(0)).to.not.include('42G available');
  });

  it('hides a no_log result behind Ansible\'s message at -vv', async () => {
    const text = await render(2);
    expect(text).to.include(`changed: [canary1] (<DURATION>) => ${NO_LOG_MESSAGE}`.replace('(<DURATION>)', '(1.23s)'));
  });
});
