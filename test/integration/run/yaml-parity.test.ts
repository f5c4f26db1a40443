// One YAML loader for everything Ansible reads: the same values written in group_vars, in a vars_files file and in a
// play's vars must come out the same, and as ansible-playbook renders them (PyYAML's types: 1e5 is a string, a
// date prints as its ISO text, .inf as inf, 0644 is octal, y is not a boolean, !unsafe is never templated).
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const VALUES = [
  'b: 1e5', 'c: 2024-01-02', 'd: .inf', 'e: 0644', 'f: y', 'g: yes', 'h: 1:30', 'i: 0x1F', "u: !unsafe '{{ 6 * 7 }}'", 'n: ~',
];
// Not here: a timestamp with a time (str() of a Python datetime has a space where its JSON has a T; airlock keeps the
// JSON form, which `ansible-inventory` prints), and floats such as 1500.0 (JavaScript cannot tell them from 1500).
const NAMES = VALUES.map((line) => line.split(':')[0] as string);

function varsFile(prefix: string): string {
  return `${VALUES.map((line) => `${prefix}${line}`).join('\n')}\n`;
}

function message(prefix: string): string {
  return NAMES.map((name) => `{{ ${prefix}${name} }}`).join('|');
}

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars_files: [vars.yml]
  vars:
${VALUES.map((line) => `    p${line}`).join('\n')}
  tasks:
    - name: group_vars
      debug: {msg: "${message('g')}"}
    - name: vars_files
      debug: {msg: "${message('v')}"}
    - name: play vars
      debug: {msg: "${message('p')}"}
`;

describe('one YAML loader: group_vars, vars_files and play vars agree, and agree with ansible-playbook', function () {
  this.timeout(120_000);
  let work: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'airlock-yaml-parity-'));
    mkdirSync(join(work, 'group_vars'));
    writeFileSync(join(work, 'inventory.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
    writeFileSync(join(work, 'group_vars', 'all.yml'), varsFile('g'));
    writeFileSync(join(work, 'vars.yml'), varsFile('v'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('prints what ansible-playbook prints for every value, from every place', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml');
    expect(airlock).to.equal(ansible);
    const lines = airlock.split('\n').filter((line) => line.startsWith('    "msg"'));
    expect(new Set(lines).size, 'the three places disagree').to.equal(1);
  });
});
