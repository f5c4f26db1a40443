// A module's `warnings` against ansible-playbook on the local connection: find on a path that is not a directory
// warns as Ansible does ([WARNING]: ..., wrapped at 79 columns, before the result line; Ansible's
// on stderr, airlock's in its output) and the registered result
// carries the warnings list.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

describe('module warnings are what ansible-playbook prints', function () {
  this.timeout(120_000);
  let work: string;

  before(() => {
    work = mkdtempSync('/tmp/aw-'); // a path of known length: where the warning wraps depends on it
    writeFileSync(join(work, 'inventory.yml'), INVENTORY);
    writeFileSync(join(work, 'site.yml'), `
- hosts: all
  gather_facts: false
  tasks:
    - find: {paths: ["${work}", "${work}/nope"], patterns: "*.yml"}
      register: f
    - debug: {msg: "{{ f.warnings | length }} {{ f.matched }} {{ f.msg }}"}
`);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('prints the same play output', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml');
    // Ansible writes warnings to stderr (which the oracle leaves out), airlock's plain output keeps them in line
    const warning = `[WARNING]: Skipped '${work}/nope' path due to this access issue:\n'${work}/nope' is not a directory\n`;
    expect(airlock).to.include(`TASK [find] ${'*'.repeat(68)}\n${warning}ok: [localhost]`);
    expect(airlock.replace(warning, '')).to.equal(ansible);
    expect(airlock).to.include('"msg": "1 2 Not all paths examined, check warnings for details"');
  });
});
