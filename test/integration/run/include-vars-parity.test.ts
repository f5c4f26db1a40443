// include_vars against ansible-playbook on the local connection: a file (templated lazily), a dir with name/depth/
// extensions, a vault-encrypted file, and its precedence (above play and task vars, below set_fact). Both must print
// the same play output.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars:
    a: play_var
  tasks:
    - include_vars: main.yml
    - debug: {msg: "{{ a }} {{ b }}"}
    - include_vars: {dir: vars/conf.d, ignore_unknown_extensions: true, name: conf}
    - debug: {var: conf}
    - include_vars: {dir: vars/conf.d, extensions: [yml], ignore_unknown_extensions: true, depth: 1}
      register: r
    - debug: {msg: "{{ r.ansible_included_var_files | map('basename') | list }} {{ shared }}"}
    - include_vars: {file: secret.yml}
    - debug: {msg: "{{ secret_value == 's3cr3t' }}"}
    - set_fact: {a: fact_wins}
    - include_vars: main.yml
    - debug: {var: a}
    - name: task vars lose to include_vars
      debug: {var: x}
      vars: {x: task}
    - include_vars: "{{ item }}"
      loop: [main.yml]
`;

describe('include_vars does what ansible-playbook does (golden output from Ansible itself)', function () {
  this.timeout(120_000);
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'airlock-include-vars-parity-'));
    mkdirSync(join(work, 'vars', 'conf.d', 'sub'), { recursive: true });
    writeFileSync(join(work, 'inventory.yml'), INVENTORY);
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    writeFileSync(join(work, 'vars', 'main.yml'), 'a: from_file\nb: "{{ a }}-templated"\n');
    writeFileSync(join(work, 'vars', 'conf.d', '10-first.yml'), 'x: 1\nshared: first\n');
    writeFileSync(join(work, 'vars', 'conf.d', '20-second.json'), '{"y": 2, "shared": "second"}\n');
    writeFileSync(join(work, 'vars', 'conf.d', 'notes.txt'), 'ignored: true\n');
    writeFileSync(join(work, 'vars', 'conf.d', 'sub', '30.yml'), 'deep: yes\n');
    writeFileSync(join(work, 'plain.yml'), 'secret_value: s3cr3t\n');
    writeFileSync(join(work, 'pw.txt'), 'pw\n');
    // encrypted by ansible-vault itself, so the file is Ansible's format
    await execa('ansible-vault', ['encrypt', '--vault-password-file', 'pw.txt', '--output', 'vars/secret.yml', 'plain.yml'], { cwd: work });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('prints the same play output', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml', ['--vault-password-file', 'pw.txt']);
    expect(airlock).to.equal(ansible);
    expect(airlock).to.include('"msg": "from_file from_file-templated"').and.include('"a": "fact_wins"').and.include('"x": 1');
  });
});
