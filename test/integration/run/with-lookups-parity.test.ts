// The with_<lookup> loops against ansible-playbook on the local connection: with_dict, with_together, with_nested,
// with_subelements (skip_missing, the subelement popped from item.0), with_sequence (key=value, count, shortcut),
// with_fileglob, with_first_found, and query('dict'). Labels are strings, so the item lines compare as text.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars:
    users: {alice: {uid: 1001}, bob: {uid: 1002}}
    groups_of: [{name: alice, groups: [wheel, adm]}, {name: bob, groups: [users]}, {name: carol}]
    letters: [a, b, c]
  tasks:
    - debug: {msg: "{{ item.key }}={{ item.value.uid }}"}
      with_dict: "{{ users }}"
      loop_control: {label: "{{ item.key }}"}
    - debug: {msg: "{{ item }}"}
      with_dict: {x: 1, y: [2]}
      loop_control: {label: "{{ item.key }}"}
    - debug: {msg: "{{ item }}"}
      with_together: ["{{ letters }}", [1, 2]]
      loop_control: {label: "{{ item.0 }}"}
    - debug: {msg: "{{ item }}"}
      with_nested: [[a, b], "{{ [1, 2] }}"]
      loop_control: {label: "{{ item.0 }}{{ item.1 }}"}
    - debug: {msg: "{{ item.0 }} in {{ item.1 }}"}
      with_subelements: ["{{ groups_of }}", groups, {skip_missing: true}]
      loop_control: {label: "{{ item.0.name }}"}
    - debug: {msg: "{{ item }}"}
      with_sequence: start=1 end=3 format=web%02d
    - debug: {msg: "{{ item }}"}
      with_sequence: count=2
    - debug: {msg: "{{ item }}"}
      with_sequence: 4-8/2
    - debug: {msg: "{{ item | basename }}"}
      with_fileglob: ["*.conf"]
      loop_control: {label: "{{ item | basename }}"}
    - debug: {msg: "{{ item | basename }}"}
      with_first_found: [missing.txt, found.txt]
      loop_control: {label: "{{ item | basename }}"}
    - debug: {msg: "{{ item | basename }}"}
      with_first_found:
        - files: [nope.yml, found.txt]
          paths: [files]
      loop_control: {label: "{{ item | basename }}"}
    - debug: {msg: "{{ query('dict', users) | map(attribute='key') | list }}"}
`;

describe('with_<lookup> loops do what ansible-playbook does (golden output from Ansible itself)', function () {
  this.timeout(120_000);
  let work: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'airlock-with-lookups-parity-'));
    mkdirSync(join(work, 'files'));
    writeFileSync(join(work, 'inventory.yml'), INVENTORY);
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    // one .conf file: glob's own order is the directory's, which airlock sorts
    for (const name of ['a.conf', 'c.txt', 'found.txt']) writeFileSync(join(work, 'files', name), 'x\n');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('prints the same play output', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml');
    expect(airlock).to.equal(ansible);
    expect(airlock).to.include('"msg": "{\'name\': \'alice\'} in wheel"').and.include('"msg": "web02"').and.include('(item=found.txt)');
  });
});
