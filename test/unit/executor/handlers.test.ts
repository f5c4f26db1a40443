import { expect } from 'chai';
import { action, cmd, handler, play, runFake, Recorder } from './fakes.js';

describe('executor handlers', () => {
  it('run once per host at the end of the section, in definition order, however often notified', async () => {
    const { recorder } = await runFake([play({
      tasks: [cmd('a', 'a', { notify: ['second', 'first'] }), cmd('b', 'b', { notify: ['first'] }), cmd('c', 'c')],
      handlers: [handler('first', 'h-first'), handler('second', 'h-second'), handler('never', 'h-never')],
    })]);
    const hostOne = recorder.callsOf('command').filter((call) => call.host === 'h1').map((call) => call.args['cmd']);
    expect(hostOne).to.deep.equal(['a', 'b', 'c', 'h-first', 'h-second']);
  });

  it('do not run for tasks that reported ok', async () => {
    const recorder = new Recorder();
    recorder.commandBehaviour = (args) => ({ changed: args['cmd'] !== 'unchanged', rc: 0 });
    await runFake([play({ tasks: [cmd('u', 'unchanged', { notify: ['h'] })], handlers: [handler('h', 'handler')] })], { recorder });
    expect(recorder.callsOf('command').map((call) => call.args['cmd'])).to.not.include('handler');
  });

  it('answer to listen topics and flush on meta: flush_handlers', async () => {
    const { recorder } = await runFake([play({
      tasks: [cmd('a', 'a', { notify: ['restart web'] }), action('meta', { _raw_params: 'flush_handlers' }), cmd('b', 'b')],
      handlers: [handler('reload nginx', 'reload', ['restart web']), handler('restart php', 'php', ['restart web'])],
    })]);
    const hostOne = recorder.callsOf('command').filter((call) => call.host === 'h1').map((call) => call.args['cmd']);
    expect(hostOne).to.deep.equal(['a', 'reload', 'php', 'b']);
  });

  it('run after pre_tasks, after tasks and after post_tasks', async () => {
    const { recorder } = await runFake([play({
      preTasks: [cmd('p', 'pre', { notify: ['h'] })],
      tasks: [cmd('t', 'task', { notify: ['h'] })],
      postTasks: [cmd('q', 'post', { notify: ['h'] })],
      handlers: [handler('h', 'handler')],
    })]);
    const hostOne = recorder.callsOf('command').filter((call) => call.host === 'h1').map((call) => call.args['cmd']);
    expect(hostOne).to.deep.equal(['pre', 'handler', 'task', 'handler', 'post', 'handler']);
  });

  it('a failed host runs its notified handlers only with --force-handlers', async () => {
    const tasks = [cmd('a', 'a', { notify: ['h'] }), action('fail', { msg: 'x' }, { name: 'boom', when: ['inventory_hostname == "h1"'] })];
    const plain = await runFake([play({ tasks, handlers: [handler('h', 'handler')] })]);
    expect(plain.recorder.callsOf('command').filter((call) => call.args['cmd'] === 'handler').map((call) => call.host)).to.deep.equal(['h2', 'h3']);
    const forced = await runFake([play({ tasks, handlers: [handler('h', 'handler')] })], { forceHandlers: true });
    expect(forced.recorder.callsOf('command').filter((call) => call.args['cmd'] === 'handler').map((call) => call.host).sort()).to.deep.equal(['h1', 'h2', 'h3']);
  });

  it('announce themselves as handlers, so the reporters can head them RUNNING HANDLER', async () => {
    const { recorder } = await runFake([play({ tasks: [cmd('a', 'a', { notify: ['h'] })], handlers: [handler('h', 'handler')] })]);
    const starts = recorder.events.flatMap((event) => (event.type === 'task_start' && event.host === 'h1' ? [{ task: event.task, handler: event.handler }] : []));
    expect(starts).to.deep.equal([{ task: 'a', handler: undefined }, { task: 'h', handler: true }]);
  });
});
