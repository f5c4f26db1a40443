import { expect } from 'chai';
import { action, block, cmd, fakeInventory, play, runFake, Recorder } from './fakes.js';

describe('executor blocks', () => {
  it('rescue recovers a failed host, always runs on every host, and the recap counts rescued not failed', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (args, host) => ({ changed: true, rc: args['cmd'] === 'risky' && host === 'h2' ? 1 : 0 });
    const { outcome } = await runFake([play({
      tasks: [
        block({ block: [cmd('risky', 'risky'), cmd('after risky', 'after')], rescue: [cmd('recover', 'recover {{ ansible_failed_task.name }}')], always: [cmd('cleanup', 'cleanup')] }),
        cmd('next', 'next'),
      ],
    })], { recorder });
    const h2 = recorder.callsOf('command').filter((call) => call.host === 'h2').map((call) => call.args['cmd']);
    expect(h2).to.deep.equal(['risky', 'recover risky', 'cleanup', 'next']);
    const h1 = recorder.callsOf('command').filter((call) => call.host === 'h1').map((call) => call.args['cmd']);
    expect(h1).to.deep.equal(['risky', 'after', 'cleanup', 'next']);
    expect(outcome.summaries['h2']).to.include({ rescued: 1, failed: 0 });
    expect(outcome.exitCode).to.equal(0);
  });

  it('a failure in rescue fails the host, after always ran', async () => {
    const { recorder, outcome } = await runFake([play({
      tasks: [block({ block: [action('fail', { msg: 'one' })], rescue: [action('fail', { msg: 'two' })], always: [cmd('cleanup', 'cleanup')] }), cmd('next', 'next')],
    })], { inventory: fakeInventory({ web: ['h1'] }) });
    expect(recorder.callsOf('command').map((call) => call.args['cmd'])).to.deep.equal(['cleanup']);
    expect(outcome.summaries['h1']).to.include({ rescued: 1, failed: 1 });
    expect(outcome.exitCode).to.equal(2);
  });

  it('block vars, when and become apply to the tasks inside', async () => {
    const { recorder } = await runFake([play({
      tasks: [block({ block: [cmd('inner', 'echo {{ colour }}')] }, { vars: { colour: 'blue' }, when: ['inventory_hostname != "h3"'], become: true })],
    })]);
    const calls = recorder.callsOf('command');
    expect(calls.map((call) => call.host)).to.deep.equal(['h1', 'h2']);
    expect(calls[0]?.args['cmd']).to.equal('echo blue');
    expect(calls[0]?.become).to.deep.equal({ user: 'root' });
  });

  it('include_tasks loads the file per host at run time with its params and loop', async () => {
    const loaded: string[] = [];
    const { recorder } = await runFake([play({
      tasks: [{ ...cmd('x', 'x'), kind: 'include_tasks', file: '{{ inventory_hostname }}.yml', vars: { p: 'param' }, loop: [1, 2] } as never],
    })], {
      inventory: fakeInventory({ web: ['h1', 'h2'] }),
      loader: {
        loadTaskFile: async (path) => {
          loaded.push(path);
          return [cmd('inc', `${path.split('/').pop() ?? ''} {{ p }} {{ item }}`)];
        },
      },
    });
    expect(loaded.sort()).to.deep.equal(['/fake/h1.yml', '/fake/h2.yml']);
    expect(recorder.callsOf('command').filter((call) => call.host === 'h1').map((call) => call.args['cmd'])).to.deep.equal(['h1.yml param 1', 'h1.yml param 2']);
  });
});
