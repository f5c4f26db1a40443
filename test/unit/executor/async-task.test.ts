// async on a task: a module that cannot run detached fails the task with its name and the cause; async: 0 is an
// ordinary task; a bad async value is named.
import { expect } from 'chai';
import type { RunEvent } from '../../../src/types/events.js';
import type { TaskResult } from '../../../src/types/result.js';
import { action, cmd, fakeInventory, play, runFake } from './fakes.js';

function results(events: RunEvent[]): TaskResult[] {
  return events.flatMap((event) => (event.type === 'task_result' ? [event.result] : []));
}

describe('executor: async tasks', () => {
  it('a module without a detached form fails naming the task; async: 0 runs as usual; async: -3 is refused', async () => {
    const { recorder } = await runFake([play({
      tasks: [
        action('debug', { msg: 'x' }, { name: 'talk', async: 10, poll: 0, ignoreErrors: true }),
        cmd('plain', 'true', { async: 0 }),
        action('debug', { msg: 'x' }, { name: 'neg', async: '{{ -3 }}', ignoreErrors: true }),
      ],
    })], { inventory: fakeInventory({ web: ['h1'] }) });
    const shown = results(recorder.events);
    expect(shown.map((result) => [result.task, result.status, result.msg])).to.deep.equal([
      ['talk', 'ignored', "task 'talk': async is supported for command and shell tasks only; debug cannot run detached on the host"],
      ['plain', 'changed', undefined],
      ['neg', 'ignored', "task 'neg': async must be a whole number of seconds above 0, got -3"],
    ]);
    expect(recorder.callsOf('command')).to.have.length(1);
  });
});
