import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadPlaybook, loadRoleForInclude, loadTaskFile, loadVarsFile } from '../../../src/playbook/load.js';
import type { ActionTask, BlockTask, IncludeRoleTask, IncludeTasksTask, Play, Task } from '../../../src/playbook/types.js';
import { fakeModules } from './fake-modules.js';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/playbooks/', import.meta.url));

function named(tasks: Task[], name: string): Task {
  const found = tasks.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no task named ${name}; have ${tasks.map((t) => t.name).join(', ')}`);
  return found;
}

describe('playbook loader on fixtures', () => {
  let plays: Play[];
  let web: Play;
  before(async () => {
    plays = (await loadPlaybook(join(fixtures, 'site.yml'), fakeModules)).plays;
    web = plays[1] as Play;
  });

  it('expands import_playbook in place, before the plays that follow it', () => {
    expect(plays.map((p) => p.name)).to.deep.equal(['Base', 'Web servers']);
    expect(plays[0]?.gatherFacts).to.equal(false);
    expect(plays[0]?.source).to.deep.include({ file: join(fixtures, 'base.yml'), line: 1, column: 3 });
  });

  it('reads the play keywords, ours included', () => {
    expect(web).to.deep.include({ hosts: 'web', serial: [1, '50%'], maxFailPercentage: 20, canaryGroup: 'first', batchPause: 5, gatherFacts: true, strategy: 'linear', order: 'inventory' });
    expect(web.vars).to.deep.equal({ port: 80 });
    expect(web.varsFiles).to.deep.equal([join(fixtures, 'vars/common.yml')]);
    expect(web.batchGate.map((t) => (t as ActionTask).args)).to.deep.equal([{ cmd: 'curl -f http://localhost/' }]);
  });

  it('runs role dependencies first, once per identical params, then the role, then the play tasks', () => {
    const names = web.tasks.map((t) => t.name);
    expect(names.slice(0, 3)).to.deep.equal(['common main', 'common main', 'web main']);
    const [plainCommon, spicyCommon, webMain] = web.tasks as ActionTask[];
    expect(plainCommon?.role?.vars).to.deep.equal({});
    expect(spicyCommon?.role?.vars).to.deep.equal({ flavour: 'spicy' });
    expect(webMain?.role).to.deep.include({ name: 'web', path: join(fixtures, 'roles/web') });
    // a role sees the defaults of the roles it depends on, beneath its own (Ansible's default, private_role_vars off)
    expect(webMain?.role?.defaults).to.deep.equal({ flavour: 'plain', port: 8000, docroot: '/srv/www' });
    expect(webMain?.role?.vars).to.deep.equal({ web_user: 'www-data', port: 8080 });
  });

  it('applies a role entry\'s when and tags to its tasks and to its dependencies', () => {
    for (const task of web.tasks.slice(0, 3)) {
      expect(task.when).to.deep.equal(['deploy_web']);
      expect(task.tags).to.include.members(['play', 'webtag']);
    }
    expect(web.tasks[2]?.tags).to.deep.equal(['play', 'webtag', 'content']);
  });

  it('collects role handlers (dependencies too) and play handlers, with listen topics', () => {
    expect(web.handlers.map((h) => h.name)).to.deep.equal(['common handler', 'reload web', 'restart web']);
    expect(web.handlers[2]?.listen).to.deep.equal(['web changed']);
  });

  it('expands import_tasks statically with its when and tags prepended to each task', () => {
    const one = named(web.tasks, 'extra one');
    const two = named(web.tasks, 'extra two') as ActionTask;
    expect(one.when).to.deep.equal(['extra_enabled']);
    expect(two.when).to.deep.equal(['extra_enabled', 'two_enabled']);
    expect(two.tags).to.deep.equal(['play', 'extra', 'two']);
    expect(two.source).to.deep.equal({ file: join(fixtures, 'tasks/extra.yml'), line: 3, column: 3 });
  });

  it('keeps include_tasks and include_role dynamic', () => {
    const include = named(web.tasks, 'dynamic include') as IncludeTasksTask;
    expect(include.kind).to.equal('include_tasks');
    expect(include.file).to.equal('tasks/{{ kind }}.yml');
    const role = named(web.tasks, 'include a role') as IncludeRoleTask;
    expect(role).to.deep.include({ kind: 'include_role', roleName: 'common', tasksFrom: 'extra' });
  });

  it('keeps block structure, with the block tags inherited by every child', () => {
    const block = named(web.tasks, 'a block') as BlockTask;
    expect(block.kind).to.equal('block');
    expect(block.when).to.deep.equal(['use_block']);
    expect(block.block.map((t) => t.name)).to.deep.equal(['inside']);
    expect(block.rescue.map((t) => t.name)).to.deep.equal(['rescue it']);
    expect(block.always).to.have.length(1);
    for (const child of [...block.block, ...block.rescue, ...block.always]) {
      expect(child.tags).to.deep.equal(['play', 'blk']);
      expect(child.when).to.deep.equal([]);
    }
  });

  it('normalises local_action, free-form and key=value arguments, with_items and loop_control', () => {
    const local = named(web.tasks, 'local') as ActionTask;
    expect(local).to.deep.include({ module: 'command', delegateTo: 'localhost' });
    expect(local.args).to.deep.equal({ cmd: 'echo hi' });
    expect((named(web.tasks, 'k=v') as ActionTask).args).to.deep.equal({ dest: '/tmp/x', content: 'hi' });
    expect((named(web.tasks, 'k=v') as ActionTask).module).to.equal('copy');
    const chdir = named(web.tasks, 'chdir') as ActionTask;
    expect(chdir.args).to.deep.equal({ chdir: '/srv', creates: '/srv/out', cmd: 'make all' });
    expect(chdir).to.deep.include({ register: 'made', retries: 3, delay: 2, until: 'made is succeeded' });
    expect(chdir.notify).to.deep.equal(['web changed']);
    const loop = named(web.tasks, 'loop');
    expect(loop.loop).to.equal('{{ (nested) | flatten(levels=1) }}');
    expect(loop.loopControl).to.deep.equal({ loopVar: 'entry', indexVar: undefined, label: '{{ entry }}', pause: undefined });
  });

  it('parses free-form debug msg=hello in pre_tasks', () => {
    expect((web.preTasks[0] as ActionTask).args).to.deep.equal({ msg: 'hello' });
  });

  it('loads a task file on its own for include_tasks at run time', async () => {
    const tasks = await loadTaskFile(join(fixtures, 'tasks/extra.yml'), undefined, fakeModules);
    expect(tasks.map((t) => t.name)).to.deep.equal(['extra one', 'extra two']);
    expect(tasks[0]?.when).to.deep.equal([]);
  });

  it('loads a role for include_role with tasks_from and its handlers', async () => {
    const { role, tasks, handlers } = await loadRoleForInclude('common', 'extra', fixtures, fakeModules);
    expect(role).to.deep.include({ name: 'common', path: join(fixtures, 'roles/common') });
    expect(role.defaults).to.deep.equal({ flavour: 'plain' });
    expect(tasks.map((t) => t.name)).to.deep.equal(['common extra']);
    expect(handlers.map((h) => h.name)).to.deep.equal(['common handler']);
  });

  it('reads vars files with YAML 1.1 booleans, as Ansible does', async () => {
    expect(await loadVarsFile(join(fixtures, 'vars/common.yml'))).to.deep.equal({ common_var: true });
  });
});
