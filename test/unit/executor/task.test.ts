import { expect } from 'chai';
import { action, cmd, fakeInventory, play, runFake, Recorder } from './fakes.js';

const oneHost = fakeInventory({ web: ['h1'] });

describe('executor: one task on one host', () => {
  it('loops with when per item and registers Ansible\'s results shape', async () => {
    const { recorder } = await runFake([play({
      tasks: [
        cmd('loop', 'echo {{ item }}', { loop: ['a', 'b', 'c'], when: ['item != "b"'], register: 'out' }),
        action('debug', { msg: '{{ out.results | selectattr("changed") | map(attribute="stdout") | list }}|{{ out.results[1].skipped }}|{{ out.changed }}|{{ out.msg }}' }),
      ],
    })], { inventory: oneHost });
    expect(recorder.callsOf('command').map((call) => call.args['cmd'])).to.deep.equal(['echo a', 'echo c']);
    const msg = recorder.callsOf('debug')[0]?.args['msg'];
    expect(msg).to.equal("['echo a', 'echo c']|True|True|All items completed");
    const loop = recorder.resultsFor('loop')[0];
    expect(loop?.results?.map((item) => [item.item, item.status])).to.deep.equal([['a', 'changed'], ['b', 'skipped'], ['c', 'changed']]);
  });

  it('hands modules a reconnect hook that asks the pool for the connection of the host (or of the delegate)', async () => {
    const { recorder } = await runFake([play({
      hosts: 'h1',
      tasks: [action('reconnect_probe', {}, { name: 'own' }), action('reconnect_probe', {}, { name: 'delegated', delegateTo: 'h2' })],
    })], { inventory: fakeInventory({ web: ['h1', 'h2'] }) });
    expect(recorder.resultsFor('own').map((r) => r.msg)).to.deep.equal(['h1 same=true']);
    expect(recorder.resultsFor('delegated').map((r) => r.msg)).to.deep.equal(['h2 same=true']);
  });

  it('registers rc, stdout, stdout_lines, stderr, changed, failed for a single command', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = () => ({ changed: true, rc: 0, stdout: 'one\ntwo\n', stderr: 'warn' });
    await runFake([play({
      tasks: [cmd('c', 'x', { register: 'r' }), action('debug', { msg: '{{ r.rc }} {{ r.stdout_lines }} {{ r.stderr }} {{ r.changed }} {{ r.failed }}' })],
    })], { inventory: oneHost, recorder });
    expect(recorder.callsOf('debug')[0]?.args['msg']).to.equal("0 ['one', 'two'] warn True False");
  });

  it('drops omitted arguments and reports invalid ones with host, task and argument', async () => {
    const { recorder, outcome } = await runFake([play({
      tasks: [
        action('debug', { msg: 'hi', var: '{{ omit }}' }, { name: 'omitted' }),
        action('debug', { msg: 'hi', colour: 'red' }, { name: 'bad arg' }),
      ],
    })], { inventory: oneHost });
    expect(recorder.callsOf('debug')[0]?.args).to.deep.equal({ msg: 'hi' });
    const bad = recorder.resultsFor('bad arg')[0];
    expect(bad?.status).to.equal('failed');
    expect(bad?.msg).to.match(/h1.*bad arg.*unsupported argument 'colour'/);
    expect(outcome.exitCode).to.equal(2);
  });

  it('failed_when and changed_when see the registered result', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (args) => ({ changed: true, rc: args['cmd'] === 'grep' ? 1 : 0, stdout: 'ERROR: disk' });
    const { outcome } = await runFake([play({
      tasks: [
        cmd('tolerated', 'grep', { register: 'g', failedWhen: ['g.rc > 1'], changedWhen: ['false'] }),
        cmd('strict', 'check', { register: 'c', failedWhen: ["'ERROR' in c.stdout"] }),
      ],
    })], { inventory: oneHost, recorder });
    expect(recorder.resultsFor('tolerated')[0]).to.include({ status: 'ok', changed: false });
    expect(recorder.resultsFor('strict')[0]?.status).to.equal('failed');
    expect(outcome.exitCode).to.equal(2);
  });

  it('retries until the condition holds, recording attempts', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (_args, _host, attempt) => ({ changed: false, rc: 0, stdout: attempt >= 3 ? 'ready' : 'starting' });
    const { outcome } = await runFake([play({
      tasks: [cmd('wait', 'status', { register: 's', until: 's.stdout == "ready"', retries: 5, delay: 0 }), action('debug', { msg: '{{ s.attempts }}' })],
    })], { inventory: oneHost, recorder });
    expect(recorder.callsOf('command')).to.have.length(3);
    expect(recorder.callsOf('debug')[0]?.args['msg']).to.equal(3);
    expect(outcome.exitCode).to.equal(0);
  });

  it('fails after the last retry: the first run plus `retries` retries, as ansible-core counts', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = () => ({ changed: false, rc: 0, stdout: 'starting' });
    const { outcome } = await runFake([play({ tasks: [cmd('wait', 'status', { register: 's', until: 's.stdout == "ready"', retries: 2, delay: 0 })] })], { inventory: oneHost, recorder });
    expect(recorder.callsOf('command')).to.have.length(3);
    expect(recorder.resultsFor('wait')[0]?.status).to.equal('failed');
    expect(outcome.exitCode).to.equal(2);
  });

  it('retries without until retries until the task succeeds', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (_args, _host, attempt) => ({ changed: true, rc: attempt < 2 ? 1 : 0 });
    const { outcome } = await runFake([play({ tasks: [cmd('flaky', 'flaky', { retries: 3, delay: 0 })] })], { inventory: oneHost, recorder });
    expect(recorder.callsOf('command')).to.have.length(2);
    expect(outcome.exitCode).to.equal(0);
  });

  it('renders templated retries and delay with the host\'s variables', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = () => ({ changed: false, rc: 0, stdout: 'starting' });
    const { outcome } = await runFake([play({
      vars: { wait_tries: 2, wait_seconds: '7' },
      tasks: [cmd('wait', 'status', { register: 's', until: 's.stdout == "ready"', retries: '{{ wait_tries }}', delay: '{{ wait_seconds }}' })],
    })], { inventory: oneHost, recorder });
    expect(recorder.callsOf('command')).to.have.length(3);
    expect(recorder.sleeps).to.deep.equal([7000, 7000]);
    expect(recorder.resultsFor('wait')[0]?.msg).to.match(/still failing after 3 attempts/);
    expect(outcome.exitCode).to.equal(2);
  });

  it('fails the task, running nothing, when a templated retries is not a number', async () => {
    const recorder = new Recorder();
    const { outcome } = await runFake([play({
      vars: { wait_tries: 'many' },
      tasks: [cmd('wait', 'status', { until: 'false', retries: '{{ wait_tries }}', delay: 0 })],
    })], { inventory: oneHost, recorder });
    expect(recorder.callsOf('command')).to.have.length(0);
    expect(recorder.resultsFor('wait')[0]?.msg).to.equal(`templating failed: retries: '{{ wait_tries }}' gave "many", not a number`);
    expect(outcome.exitCode).to.equal(2);
  });

  it('ignore_errors turns a failure into ignored and the host continues', async () => {
    const { recorder, outcome } = await runFake([play({ tasks: [action('fail', { msg: 'nope' }, { name: 'f', ignoreErrors: true }), cmd('after', 'true')] })], { inventory: oneHost });
    expect(recorder.resultsFor('f')[0]?.status).to.equal('ignored');
    expect(recorder.resultsFor('after')).to.have.length(1);
    expect(outcome.summaries['h1']).to.include({ ignored: 1, failed: 0 });
    expect(outcome.exitCode).to.equal(0);
  });

  it('ignore_errors does not cover unreachable (Ansible #18075) but ignore_unreachable does', async () => {
    const inventory = fakeInventory({ web: ['h1', 'h2'] });
    const plain = await runFake([play({ tasks: [cmd('a', 'true', { ignoreErrors: true }), cmd('b', 'true')] })], { inventory, unreachable: ['h2'] });
    expect(plain.recorder.resultsFor('a').find((r) => r.host === 'h2')?.status).to.equal('unreachable');
    expect(plain.recorder.resultsFor('b').map((r) => r.host)).to.deep.equal(['h1']);
    expect(plain.outcome.exitCode).to.equal(4);

    const ignoring = await runFake([play({ tasks: [cmd('a', 'true', { ignoreUnreachable: true }), cmd('b', 'true', { ignoreUnreachable: true })] })], { inventory, unreachable: ['h2'] });
    expect(ignoring.recorder.resultsFor('b').map((r) => `${r.host}:${r.status}`).sort()).to.deep.equal(['h1:changed', 'h2:ignored']);
    expect(ignoring.outcome.summaries['h2']).to.include({ unreachable: 0, ignored: 2 });
    expect(ignoring.outcome.exitCode).to.equal(0);
  });

  it('run_once runs on one host and gives every host its registered result', async () => {
    const { recorder } = await runFake([play({ tasks: [cmd('once', 'date', { runOnce: true, register: 'd' }), action('debug', { msg: '{{ d.stdout }}' })] })]);
    expect(recorder.callsOf('command')).to.have.length(1);
    expect(recorder.resultsFor('once')).to.have.length(1);
    expect(recorder.callsOf('debug').map((call) => call.args['msg'])).to.deep.equal(['date', 'date', 'date']);
  });

  it('passes become, environment and check mode to the module; delegate_to localhost uses the local connection', async () => {
    const { recorder } = await runFake([play({
      become: true,
      environment: { LANG: 'C' },
      tasks: [
        cmd('b', 'id', { becomeUser: 'misp', environment: { TARGET: '{{ inventory_hostname }}' }, checkMode: true }),
        cmd('local', 'hostname', { delegateTo: 'localhost', become: false }),
      ],
    })], { inventory: oneHost });
    const [b, local] = recorder.callsOf('command');
    expect(b).to.include({ host: 'h1', check: true, connHost: 'h1' });
    expect(b?.become).to.deep.equal({ user: 'misp' });
    expect(b?.env).to.deep.equal({ LANG: 'C', TARGET: 'h1' });
    expect(local).to.include({ host: 'h1', connHost: 'localhost', check: false });
    expect(local?.become).to.equal(undefined);
  });

  it('ansible_become host variables apply when the task does not say', async () => {
    const { recorder } = await runFake([play({ tasks: [cmd('a', 'id'), cmd('b', 'id', { become: false })] })],
      { inventory: fakeInventory({ web: ['h1'] }, { h1: { ansible_become: 'yes', ansible_become_user: 'misp' } }) });
    expect(recorder.callsOf('command').map((call) => call.become)).to.deep.equal([{ user: 'misp' }, undefined]);
  });

  it('no_log marks the result so that reporters hide it', async () => {
    const { recorder } = await runFake([play({ tasks: [cmd('secret', 'echo s3cret', { noLog: true })] })], { inventory: oneHost });
    expect(recorder.resultsFor('secret')[0]?.noLog).to.equal(true);
  });

  it('an undefined variable fails the task on that host with the variable named', async () => {
    const { recorder } = await runFake([play({ tasks: [action('debug', { msg: '{{ nowhere }}' }, { name: 'u' })] })], { inventory: oneHost });
    const result = recorder.resultsFor('u')[0];
    expect(result?.status).to.equal('failed');
    expect(result?.msg).to.include('nowhere');
  });
});

describe('executor: registered output is data', () => {
  it('a "{{" in registered stdout is never rendered later', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = () => ({ changed: true, rc: 0, stdout: '{{ lookup("env", "HOME") }}' });
    await runFake([play({ tasks: [cmd('c', 'x', { register: 'r' }), action('debug', { msg: '{{ r.stdout }}' })] })], { inventory: fakeInventory({ web: ['h1'] }), recorder });
    expect(recorder.callsOf('debug')[0]?.args['msg']).to.equal('{{ lookup("env", "HOME") }}');
  });
});
