import { expect } from 'chai';
import { shouldRunForTags } from '../../../src/executor/tags.js';
import { exitCodeFor } from '../../../src/executor/run.js';
import { emptySummary } from '../../../src/types/result.js';
import type { RunEvent } from '../../../src/types/events.js';
import { action, cmd, fakeInventory, play, runFake, Recorder } from './fakes.js';

describe('executor run: tags, batches, exit codes', () => {
  const table: Array<[string[], string[], string[], boolean]> = [
    // task tags, --tags, --skip-tags, runs?
    [[], [], [], true],
    [['web'], ['web'], [], true],
    [['db'], ['web'], [], false],
    [['always'], ['web'], [], true],
    [['always'], ['web'], ['always'], false],
    [['never'], [], [], false],
    [['never', 'debug'], ['debug'], [], true],
    [['web'], [], ['web'], false],
    [[], ['untagged'], [], true],
    [['web'], ['tagged'], [], true],
    [['web'], [], ['all'], false],
  ];
  for (const [tags, only, skip, expected] of table) {
    it(`tags ${JSON.stringify(tags)} with --tags ${JSON.stringify(only)} --skip-tags ${JSON.stringify(skip)} -> ${expected ? 'runs' : 'skipped'}`, () => {
      expect(shouldRunForTags(tags, { only, skip })).to.equal(expected);
    });
  }

  it('selects tasks by tag in a run and starts at the named task', async () => {
    const tasks = [cmd('one', 'one', { tags: ['a'] }), cmd('two', 'two', { tags: ['b'] }), cmd('three', 'three', { tags: ['a'] })];
    const tagged = await runFake([play({ tasks })], { tags: ['a'], inventory: fakeInventory({ web: ['h1'] }) });
    expect(tagged.recorder.callsOf('command').map((call) => call.args['cmd'])).to.deep.equal(['one', 'three']);
    const started = await runFake([play({ gatherFacts: true, tasks })], { startAtTask: 'two', inventory: fakeInventory({ web: ['h1'] }) });
    expect(started.recorder.callsOf('command').map((call) => call.args['cmd'])).to.deep.equal(['two', 'three']);
    expect(started.recorder.callsOf('setup')).to.have.length(1);
  });

  it('exit codes: 0 ok, 2 failed (even with unreachable), 4 unreachable only', () => {
    const ok = { h: emptySummary() };
    expect(exitCodeFor(ok, false, false)).to.equal(0);
    expect(exitCodeFor({ h: { ...emptySummary(), unreachable: 1 } }, false, false)).to.equal(4);
    expect(exitCodeFor({ h: { ...emptySummary(), unreachable: 1 }, g: { ...emptySummary(), failed: 1 } }, false, false)).to.equal(2);
    expect(exitCodeFor(ok, true, false)).to.equal(2);
  });

  it('serial rollout: canary first, a failed canary halts the rollout and names untouched hosts', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (_args, host) => ({ changed: true, rc: host === 'c1' ? 1 : 0 });
    const inventory = fakeInventory({ web: ['w1', 'w2', 'c1', 'w3'], canary: ['c1'] });
    const { outcome } = await runFake([play({ serial: [1, '50%'], maxFailPercentage: 0, tasks: [cmd('update', 'update')] })], { recorder, inventory });
    expect(recorder.callsOf('command').map((call) => call.host)).to.deep.equal(['c1']);
    const halted = recorder.events.find((event): event is Extract<RunEvent, { type: 'rollout_halted' }> => event.type === 'rollout_halted');
    expect(halted?.untouchedHosts).to.deep.equal(['w1', 'w2', 'w3']);
    expect(halted?.batch).to.equal(1);
    expect(outcome.exitCode).to.equal(2);
  });

  it('serial rollout goes batch by batch when the canary succeeds; batch_gate runs on each finished batch', async () => {
    const inventory = fakeInventory({ web: ['w1', 'w2', 'c1', 'w3'], canary: ['c1'] });
    const { recorder, outcome } = await runFake([play({ serial: [1, 2], tasks: [cmd('update', 'update')], batchGate: [cmd('gate', 'gate')] })], { inventory });
    const order = recorder.callsOf('command').map((call) => `${String(call.args['cmd'])}:${call.host}`);
    expect(order).to.deep.equal(['update:c1', 'gate:c1', 'update:w1', 'update:w2', 'gate:w1', 'gate:w2', 'update:w3', 'gate:w3']);
    expect(recorder.events.filter((event) => event.type === 'batch_start')).to.have.length(3);
    expect(outcome.exitCode).to.equal(0);
  });

  it('--canary N runs a first batch of N hosts', async () => {
    const { recorder } = await runFake([play({ tasks: [cmd('update', 'update')] })], { canary: 1, inventory: fakeInventory({ web: ['a', 'b', 'c'] }) });
    const batches = recorder.events.flatMap((event) => (event.type === 'batch_start' ? [event.hosts] : []));
    expect(batches).to.deep.equal([['a'], ['b', 'c']]);
  });

  it('--limit intersects the play hosts', async () => {
    const { recorder } = await runFake([play({ tasks: [cmd('x', 'x')] })], { limit: ['h2'] });
    expect(recorder.callsOf('command').map((call) => call.host)).to.deep.equal(['h2']);
  });

  it('meta end_host stops one host, end_play stops the play', async () => {
    const { recorder } = await runFake([play({
      tasks: [action('meta', { _raw_params: 'end_host' }, { when: ['inventory_hostname == "h1"'] }), cmd('x', 'x'), action('meta', { _raw_params: 'end_play' }), cmd('y', 'y')],
    }), play({ name: 'next', tasks: [cmd('z', 'z')] })]);
    expect(recorder.callsOf('command').map((call) => `${String(call.args['cmd'])}:${call.host}`)).to.deep.equal(['x:h2', 'x:h3', 'z:h1', 'z:h2', 'z:h3']);
  });

  it('an aborted run stops scheduling and exits 130', async () => {
    const controller = new AbortController();
    const recorder = new Recorder();
    recorder.commandBehaviour = () => {
      controller.abort();
      return { changed: true, rc: 0 };
    };
    const { outcome } = await runFake([play({ tasks: [cmd('x', 'x'), cmd('y', 'y')] })], { recorder, signal: controller.signal, inventory: fakeInventory({ web: ['h1'] }) });
    expect(recorder.callsOf('command').map((call) => call.args['cmd'])).to.deep.equal(['x']);
    expect(outcome.exitCode).to.equal(130);
  });
});
