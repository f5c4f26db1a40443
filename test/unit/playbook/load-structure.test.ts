import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadPlaybook } from '../../../src/playbook/load.js';
import type { ActionTask, Play } from '../../../src/playbook/types.js';
import { InputError } from '../../../src/util/errors.js';
import { fakeModules } from './fake-modules.js';

// Small playbook trees written per test: import loops, import_role, YAML 1.1 parity.
describe('playbook loader: imports, roles and YAML details', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-playbook-structure-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(relative: string, text: string): string {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  async function loadError(path: string): Promise<InputError> {
    try {
      await loadPlaybook(path, fakeModules);
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      return error as InputError;
    }
    throw new Error('expected the playbook to be rejected');
  }

  it('reports an import_tasks loop with the chain of files', async () => {
    write('a.yml', '- import_tasks: b.yml\n');
    write('b.yml', '- import_tasks: a.yml\n');
    const book = write('site.yml', '- hosts: all\n  tasks:\n    - import_tasks: a.yml\n');
    const error = await loadError(book);
    expect(error.message).to.match(/import loop: .*a\.yml -> .*b\.yml -> .*a\.yml/);
  });

  it('reports an import_playbook loop', async () => {
    write('one.yml', '- import_playbook: two.yml\n');
    write('two.yml', '- import_playbook: one.yml\n');
    const error = await loadError(join(dir, 'one.yml'));
    expect(error.message).to.include('import_playbook loop');
    expect(error.location).to.deep.include({ file: join(dir, 'two.yml'), line: 1 });
  });

  it('reports a role that depends on itself', async () => {
    write('roles/a/meta/main.yml', 'dependencies: [b]\n');
    write('roles/a/tasks/main.yml', '- debug: { msg: a }\n');
    write('roles/b/meta/main.yml', 'dependencies: [a]\n');
    const book = write('site.yml', '- hosts: all\n  roles: [a]\n');
    expect((await loadError(book)).message).to.include("role dependency loop: role 'a' depends on itself");
  });

  it('reports a misspelt key in role meta with a suggestion', async () => {
    write('roles/a/meta/main.yml', 'dependancies: [b]\n');
    const book = write('site.yml', '- hosts: all\n  roles: [a]\n');
    const error = await loadError(book);
    expect(error.message).to.equal(`${join(dir, 'roles/a/meta/main.yml')}:1:1: unknown role meta keyword 'dependancies', did you mean 'dependencies'?`);
  });

  it('suggests the closest existing role for a misspelt role name', async () => {
    write('roles/webserver/tasks/main.yml', '- debug: { msg: a }\n');
    const book = write('site.yml', '- hosts: all\n  roles: [webservr]\n');
    expect((await loadError(book)).message).to.include("did you mean 'webserver'?");
  });

  it('expands import_role in place with its tasks_from, when and tags, and adds its handlers to the play', async () => {
    write('roles/db/tasks/setup.yml', '- name: db setup\n  command: echo setup\n');
    write('roles/db/handlers/main.yml', '- name: restart db\n  service: { name: db, state: restarted }\n');
    write('roles/db/defaults/main.yml', 'db_port: 5432\n');
    const book = write(
      'site.yml',
      '- hosts: all\n  tasks:\n    - name: before\n      debug: { msg: x }\n    - import_role: { name: db, tasks_from: setup }\n      when: with_db\n      tags: db\n    - name: after\n      debug: { msg: y }\n',
    );
    const play = (await loadPlaybook(book, fakeModules)).plays[0] as Play;
    expect(play.tasks.map((t) => t.name)).to.deep.equal(['before', 'db setup', 'after']);
    const imported = play.tasks[1] as ActionTask;
    expect(imported).to.deep.include({ when: ['with_db'], tags: ['db'] });
    expect(imported.role?.defaults).to.deep.equal({ db_port: 5432 });
    expect(play.handlers.map((h) => h.name)).to.deep.equal(['restart db']);
  });

  it('reads YAML as Ansible (PyYAML 1.1) does: yes/no booleans, y stays a string, 0644 is octal', async () => {
    const book = write('site.yml', '- hosts: all\n  gather_facts: no\n  vars:\n    answer: y\n    flag: on\n    mode: 0644\n');
    const play = (await loadPlaybook(book, fakeModules)).plays[0] as Play;
    expect(play.gatherFacts).to.equal(false);
    expect(play.vars).to.deep.equal({ answer: 'y', flag: true, mode: 0o644 });
  });

  it('an import_tasks file that does not exist names the importing task', async () => {
    const book = write('site.yml', '- hosts: all\n  tasks:\n    - import_tasks: missing.yml\n');
    const error = await loadError(book);
    expect(error.message).to.include('cannot import tasks from');
    expect(error.location).to.deep.include({ file: book, line: 3, column: 21 });
  });
});
