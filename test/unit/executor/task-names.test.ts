// The TASK [...] header shows a templated name as ansible-playbook does: rendered with the first host's variables
// (task vars, include_role vars, play vars), so an included file's "phase reached: {{ misp_phase }}" reads
// "phase reached: stopped".
import { expect } from 'chai';
import { cmd, play, runFake } from './fakes.js';

describe('task names in headers', () => {
  it('are rendered with the first host\'s variables; a name that cannot be rendered is shown as written', async () => {
    const { recorder } = await runFake([play({
      vars: { stage: 'stopped' },
      tasks: [
        cmd('phase reached: {{ stage }}', 'a'),
        cmd('host {{ inventory_hostname }} at {{ mine }}', 'b', { vars: { mine: 'task vars' } }),
        cmd('left as written: {{ nowhere_defined }}', 'c'),
      ],
    })]);
    const headers = [...new Set(recorder.events.flatMap((event) => (event.type === 'task_start' ? [event.task] : [])))];
    expect(headers).to.deep.equal(['phase reached: stopped', 'host h1 at task vars', 'left as written: {{ nowhere_defined }}']);
  });
});
