import { expect } from 'chai';
import { COMMAND_TASKS, remoteCommandLine } from '../../../bench/fleet/workload.js';
import { commandModuleLine, shellModuleLine } from '../../../src/modules/lib/command-line.js';
import { shlexSplit } from '../../../src/parsing/shlex.js';

// The ceiling is only a ceiling if each host runs, for every task, the very command line airlock sends for it.
describe('bench/fleet workload', () => {
  for (const task of COMMAND_TASKS) {
    it(`the ceiling runs airlock's own command line for ${task.module}: ${task.cmd}`, () => {
      const airlockLine = task.module === 'shell' ? shellModuleLine(task.cmd, {}) : commandModuleLine(shlexSplit(task.cmd), {});
      expect(remoteCommandLine(task)).to.equal(airlockLine);
    });
  }

  it('runs shell tasks through /bin/sh, as the shell module promises', () => {
    const shellTasks = COMMAND_TASKS.filter((task) => task.module === 'shell');
    expect(shellTasks).to.have.length(4);
    for (const task of shellTasks) expect(remoteCommandLine(task)).to.match(/^\/bin\/sh -c '/);
  });
});
