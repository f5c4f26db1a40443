import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { InputError } from '../../../src/util/errors.js';
import { fakeModules } from './fake-modules.js';

interface Case {
  what: string;
  yaml: string;
  /** expected "line:column" of the error and a fragment of its message */
  at: string;
  message: string;
}

const cases: Case[] = [
  { what: 'a misspelt module', yaml: '- hosts: all\n  tasks:\n    - name: x\n      comand: ls\n', at: '4:7', message: "unknown module 'comand' in task 'x', did you mean 'command'?" },
  { what: 'a misspelt play keyword', yaml: '- hosts: all\n  gather_fact: no\n', at: '2:3', message: "unknown play keyword 'gather_fact', did you mean 'gather_facts'?" },
  { what: 'two loop keywords (with_dict and loop)', yaml: '- hosts: all\n  tasks:\n    - name: y\n      debug: { msg: hi }\n      loop: [1]\n      with_dict: {a: 1}\n', at: '6:7', message: 'only one of loop, with_dict may be used in a task' },
  { what: 'a misspelt with_<lookup>', yaml: '- hosts: all\n  tasks:\n    - name: y\n      debug: { msg: hi }\n      with_sequense: count=2\n', at: '5:7', message: "unknown keyword or module 'with_sequense' in task 'y', did you mean 'with_sequence'?" },
  { what: 'a misspelt task keyword', yaml: '- hosts: all\n  tasks:\n    - name: y\n      debug: { msg: hi }\n      registr: out\n', at: '5:7', message: "unknown keyword or module 'registr' in task 'y', did you mean 'register'?" },
  { what: 'two actions in one task', yaml: '- hosts: all\n  tasks:\n    - name: two\n      debug: { msg: a }\n      command: ls\n', at: '5:7', message: "conflicting actions in task 'two': 'debug' and 'command'" },
  { what: 'no action at all', yaml: '- hosts: all\n  tasks:\n    - name: empty\n      when: x\n', at: '3:7', message: "no action in task 'empty'" },
  { what: 'a play without hosts', yaml: '- name: p\n  tasks: []\n', at: '1:3', message: "play is missing the required key 'hosts'" },
  { what: 'a wrong type for a keyword', yaml: '- hosts: all\n  become: maybe\n', at: '2:11', message: "invalid 'become': expected boolean" },
  { what: 'a bad strategy', yaml: '- hosts: all\n  strategy: fast\n', at: '2:13', message: "invalid 'strategy': expected one of \"linear\", \"free\"" },
  { what: 'a bad serial', yaml: '- hosts: all\n  serial: [1, lots]\n', at: '2:15', message: 'invalid serial value "lots"' },
  { what: 'an unknown module argument', yaml: '- hosts: all\n  tasks:\n    - name: c\n      copy: { dest: /x, contnet: hi }\n', at: '4:25', message: "unsupported argument 'contnet' for module 'copy' in task 'c', did you mean 'content'?" },
  { what: 'a missing required module argument', yaml: '- hosts: all\n  tasks:\n    - name: c\n      copy: { content: hi }\n', at: '4:13', message: "module 'copy' in task 'c' is missing the required argument 'dest'" },
  { what: 'an argument of the wrong value', yaml: '- hosts: all\n  tasks:\n    - name: s\n      service: { name: web, state: bounced }\n', at: '4:36', message: "invalid argument 'state' for module 'service' in task 's': expected one of" },
  { what: 'invalid YAML', yaml: '- hosts: all\n  tasks:\n    - name: "unclosed\n', at: '4:1', message: 'invalid YAML' },
  { what: 'a task that is not a mapping', yaml: '- hosts: all\n  tasks:\n    - just a string\n', at: '3:7', message: 'a task must be a mapping' },
  { what: 'rescue without block', yaml: '- hosts: all\n  tasks:\n    - name: r\n      debug: { msg: a }\n      rescue: []\n', at: '5:7', message: "'rescue' is only valid next to 'block'" },
  { what: 'a missing role', yaml: '- hosts: all\n  roles:\n    - webb\n', at: '3:7', message: "role 'webb' not found" },
  { what: 'a bad register name', yaml: '- hosts: all\n  tasks:\n    - debug: { msg: a }\n      register: my-result\n', at: '4:17', message: "invalid 'register': expected a variable name" },
  { what: 'a first-found list in vars_files', yaml: '- hosts: all\n  vars_files:\n    - a.yml\n    - [b.yml, c.yml]\n', at: '4:7', message: 'vars_files entries must be file names' },
  { what: 'a playbook that is not a list', yaml: 'hosts: all\n', at: '1:1', message: 'a playbook must be a list of plays' },
  { what: 'a misspelt argument next to a templated one', yaml: '- hosts: all\n  tasks:\n    - name: t\n      copy: { dest: "{{ d }}", contnt: "x" }\n', at: '4:32', message: "unsupported argument 'contnt' for module 'copy' in task 't', did you mean 'content'?" },
  { what: 'a retries that is neither a number nor a template', yaml: '- hosts: all\n  tasks:\n    - command: ls\n      retries: many\n', at: '4:16', message: "'retries' must be a number or a template, got \"many\"" },
  { what: 'templated arguments are left for run time', yaml: '- hosts: all\n  tasks:\n    - copy: { content: hi, dest: "{{ d }}" }\n      service: { name: x }\n', at: '4:7', message: "conflicting actions" },
];

describe('playbook loader errors name file:line:column and the cause', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-playbook-errors-'));
    mkdirSync(join(dir, 'roles', 'web'), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  cases.forEach((c, i) => {
    it(`reports ${c.what}`, async () => {
      const file = join(dir, `case${i}.yml`);
      writeFileSync(file, c.yaml);
      let caught: unknown;
      try {
        await loadPlaybook(file, fakeModules);
      } catch (error) {
        caught = error;
      }
      expect(caught, 'loading must fail').to.be.instanceOf(InputError);
      const error = caught as InputError;
      expect(error.message).to.include(c.message);
      expect(error.message.startsWith(`${file}:${c.at}: `), error.message).to.equal(true);
    });
  });

  it('accepts templated module arguments without checking them (the executor does, per host)', async () => {
    const file = join(dir, 'templated.yml');
    writeFileSync(file, '- hosts: all\n  tasks:\n    - copy: { content: hi, dest: "{{ d }}", mode: "{{ m }}" }\n');
    const playbook = await loadPlaybook(file, fakeModules);
    expect(playbook.plays[0]?.tasks).to.have.length(1);
  });
});
