import { expect } from 'chai';
import type { RunEvent } from '../../../src/types/events.js';
import { action, cmd, fakeInventory, play, runFake, Recorder } from './fakes.js';

const five = fakeInventory({ web: ['h1', 'h2', 'h3', 'h4', 'h5'] });

function halts(events: RunEvent[]): Array<Extract<RunEvent, { type: 'rollout_halted' }>> {
  return events.filter((event): event is Extract<RunEvent, { type: 'rollout_halted' }> => event.type === 'rollout_halted');
}

describe('executor plays', () => {
  it('any_errors_fatal: one failure ends the play for every host after the current task', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (args, host) => ({ changed: true, rc: args['cmd'] === 'first' && host === 'h2' ? 1 : 0 });
    const { outcome } = await runFake([play({ anyErrorsFatal: true, tasks: [cmd('first', 'first'), cmd('second', 'second')] }), play({ name: 'later', tasks: [cmd('later', 'later')] })], { recorder, inventory: five });
    expect(recorder.callsOf('command').map((call) => call.args['cmd'])).to.deep.equal(Array(5).fill('first'));
    expect(halts(recorder.events)[0]?.reason).to.match(/any_errors_fatal/);
    expect(outcome.exitCode).to.equal(2);
  });

  it('max_fail_percentage is checked after each task: 2 of 5 failing (40%) > 30% stops the play', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (args, host) => ({ changed: true, rc: args['cmd'] === 'first' && (host === 'h1' || host === 'h2') ? 1 : 0 });
    const { outcome } = await runFake([play({ maxFailPercentage: 30, tasks: [cmd('first', 'first'), cmd('second', 'second')] })], { recorder, inventory: five });
    expect(recorder.callsOf('command').filter((call) => call.args['cmd'] === 'second')).to.have.length(0);
    expect(outcome.exitCode).to.equal(2);
  });

  it('below max_fail_percentage the other hosts carry on', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (args, host) => ({ changed: true, rc: args['cmd'] === 'first' && host === 'h1' ? 1 : 0 });
    await runFake([play({ maxFailPercentage: 30, tasks: [cmd('first', 'first'), cmd('second', 'second')] })], { recorder, inventory: five });
    expect(recorder.callsOf('command').filter((call) => call.args['cmd'] === 'second').map((call) => call.host)).to.deep.equal(['h2', 'h3', 'h4', 'h5']);
  });

  it('free strategy isolates failures per host too', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (args, host) => ({ changed: true, rc: args['cmd'] === 'first' && host === 'h1' ? 1 : 0 });
    await runFake([play({ strategy: 'free', tasks: [cmd('first', 'first'), cmd('second', 'second')] })], { recorder, inventory: five });
    expect(recorder.callsOf('command').filter((call) => call.args['cmd'] === 'second').map((call) => call.host).sort()).to.deep.equal(['h2', 'h3', 'h4', 'h5']);
  });

  it('vars_files are loaded per host (templated names) above play vars', async () => {
    const loaded: string[] = [];
    const { recorder } = await runFake([play({
      vars: { site: 'play', colour: 'red' },
      varsFiles: ['/fake/vars/{{ site_name }}.yml'],
      tasks: [action('debug', { msg: '{{ colour }}' })],
    })], {
      inventory: fakeInventory({ web: ['h1', 'h2'] }, { h1: { site_name: 'north' }, h2: { site_name: 'south' } }),
      loader: {
        loadVarsFile: async (path) => {
          loaded.push(path);
          return { colour: path.includes('north') ? 'blue' : 'green' };
        },
      },
    });
    expect(loaded.sort()).to.deep.equal(['/fake/vars/north.yml', '/fake/vars/south.yml']);
    expect(recorder.callsOf('debug').map((call) => `${call.host}:${String(call.args['msg'])}`).sort()).to.deep.equal(['h1:blue', 'h2:green']);
  });

  it('include_role runs the role\'s tasks with its params over its defaults and makes its handlers notifiable', async () => {
    const role = { name: 'db', path: '/fake/roles/db', defaults: { port: 5432 }, vars: {} };
    const roleHandler = { ...cmd('restart db', 'restart {{ role_name }}'), role, listen: [] };
    const { recorder } = await runFake([play({
      tasks: [{ ...cmd('inc', 'x'), kind: 'include_role', roleName: 'db', tasksFrom: undefined, roleVars: { port: 6543 } } as never],
    })], {
      inventory: fakeInventory({ web: ['h1'] }),
      loader: { loadRoleForInclude: async () => ({ role, tasks: [cmd('configure', 'configure {{ port }}', { role, notify: ['restart db'] })], handlers: [roleHandler] }) },
    });
    expect(recorder.callsOf('command').map((call) => call.args['cmd'])).to.deep.equal(['configure 6543', 'restart db']);
  });

  it('a play whose pattern matches no host is skipped with a warning; later plays run', async () => {
    const { recorder } = await runFake([play({ hosts: 'nothing', tasks: [cmd('a', 'a')] }), play({ name: 'next', tasks: [cmd('b', 'b')] })]);
    expect(recorder.events.some((event) => event.type === 'message' && event.level === 'warning' && event.text.includes('no hosts matched'))).to.equal(true);
    expect(recorder.callsOf('command').map((call) => call.args['cmd'])).to.deep.equal(['b', 'b', 'b']);
  });

  it('the event stream brackets the run: run_start, play_start ... play_end, run_end with the exit code', async () => {
    const { recorder } = await runFake([play({ tasks: [cmd('a', 'a')] })]);
    const types = recorder.events.map((event) => event.type).filter((type) => type !== 'message');
    expect(types[0]).to.equal('run_start');
    expect(types[1]).to.equal('play_start');
    expect(types.at(-2)).to.equal('play_end');
    expect(types.at(-1)).to.equal('run_end');
    const end = recorder.events.at(-1);
    expect(end?.type === 'run_end' ? end.exitCode : undefined).to.equal(0);
  });
});
