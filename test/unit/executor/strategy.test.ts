import { expect } from 'chai';
import { cmd, fakeInventory, play, runFake, Recorder } from './fakes.js';

describe('executor strategies', () => {
  it('linear: every host finishes a task before any host starts the next', async () => {
    const recorder = new Recorder();
    recorder.commandDelay = (host) => (host === 'h1' ? 30 : 0);
    await runFake([play({ tasks: [cmd('one', 'echo one'), cmd('two', 'echo two')] })], { recorder });
    const order = recorder.callsOf('command').map((call) => `${call.host}:${String(call.args['cmd'])}`);
    expect(order.slice(0, 3).every((entry) => entry.endsWith('one'))).to.equal(true);
    expect(order.slice(3).every((entry) => entry.endsWith('two'))).to.equal(true);
  });

  it('free: a fast host runs ahead of a slow one', async () => {
    const recorder = new Recorder();
    recorder.commandDelay = (host) => (host === 'h1' ? 40 : 0);
    await runFake([play({ strategy: 'free', tasks: [cmd('one', 'echo one'), cmd('two', 'echo two'), cmd('three', 'echo three')] })], { recorder });
    const order = recorder.callsOf('command').map((call) => `${call.host}:${String(call.args['cmd'])}`);
    // h2 and h3 finish all three tasks while h1 is still in its first one
    expect(order.indexOf('h2:echo three')).to.be.lessThan(order.indexOf('h1:echo two'));
    expect(order.filter((entry) => entry.startsWith('h1:'))).to.have.length(3);
  });

  it('a host that fails is removed from the rest of the play; the others carry on', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (args, host) => (host === 'h2' && args['cmd'] === 'step1' ? { changed: true, rc: 1, stderr: 'boom' } : { changed: true, rc: 0 });
    const { outcome } = await runFake([play({ tasks: [cmd('s1', 'step1'), cmd('s2', 'step2')] }), play({ name: 'second', tasks: [cmd('s3', 'step3')] })], { recorder });
    expect(recorder.callsOf('command').filter((call) => call.host === 'h2').map((call) => call.args['cmd'])).to.deep.equal(['step1']);
    expect(recorder.callsOf('command').filter((call) => call.host === 'h1').map((call) => call.args['cmd'])).to.deep.equal(['step1', 'step2', 'step3']);
    expect(outcome.summaries['h2']).to.include({ failed: 1, ok: 0 });
    expect(outcome.summaries['h1']).to.include({ ok: 3, changed: 3, failed: 0 });
    expect(outcome.exitCode).to.equal(2);
  });

  it('an unreachable host is dropped from the play and the run exits 4', async () => {
    const { recorder, outcome } = await runFake([play({ tasks: [cmd('s1', 'step1'), cmd('s2', 'step2')] })], { unreachable: ['h3'] });
    expect(recorder.resultsFor('s1').find((result) => result.host === 'h3')?.status).to.equal('unreachable');
    expect(recorder.resultsFor('s2').map((result) => result.host)).to.deep.equal(['h1', 'h2']);
    expect(outcome.summaries['h3']).to.include({ unreachable: 1 });
    expect(outcome.exitCode).to.equal(4);
  });

  it('every host unreachable: the play stops and the run exits 4, not 2', async () => {
    const { recorder, outcome } = await runFake([play({ tasks: [cmd('s1', 'step1')] }), play({ name: 'later', tasks: [cmd('s2', 'step2')] })], { unreachable: ['h1', 'h2', 'h3'] });
    expect(recorder.resultsFor('s1').map((result) => result.status)).to.deep.equal(['unreachable', 'unreachable', 'unreachable']);
    expect(recorder.resultsFor('s2')).to.have.length(0);
    expect(outcome.exitCode).to.equal(4);
  });

  it('forks caps how many hosts run at once', async () => {
    const recorder = new Recorder();
    let running = 0;
    let peak = 0;
    recorder.commandDelay = () => {
      running++;
      peak = Math.max(peak, running);
      setTimeout(() => { running--; }, 10);
      return 10;
    };
    const hosts = Array.from({ length: 12 }, (_, i) => `h${i}`);
    await runFake([play({ tasks: [cmd('one', 'true')] })], { recorder, forks: 4, inventory: fakeInventory({ all: hosts }) });
    expect(peak).to.equal(4);
    expect(recorder.callsOf('command')).to.have.length(12);
  });

  it('throttle caps one task below forks', async () => {
    const recorder = new Recorder();
    let running = 0;
    let peak = 0;
    recorder.commandDelay = () => {
      running++;
      peak = Math.max(peak, running);
      setTimeout(() => { running--; }, 10);
      return 10;
    };
    await runFake([play({ tasks: [cmd('one', 'true', { throttle: 2 })] })], { recorder, inventory: fakeInventory({ all: ['a', 'b', 'c', 'd', 'e'] }) });
    expect(peak).to.equal(2);
  });

  it('closes every connection at the end of the run', async () => {
    const { recorder } = await runFake([play({ tasks: [cmd('one', 'true')] })]);
    const closed = recorder.events.filter((event) => event.type === 'message' && event.text.startsWith('closed ')).length;
    expect(closed).to.equal(3);
  });
});
