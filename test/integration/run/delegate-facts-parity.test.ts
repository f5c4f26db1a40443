// delegate_facts and how delegated tasks and loop items print, against ansible-playbook on the local connection:
// set_fact, setup and include_vars with delegate_facts set the facts on the delegated host (and not on the one the
// task ran for); without it they stay with the task's host; a delegated result prints as [host -> delegate]; loop
// items print as Python's str() (dicts and lists as repr, True, None), labels as rendered.
import { expect } from 'chai';
import { parityWorkspace, runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = 'all:\n  hosts:\n    h1: {ansible_connection: local}\n    h2: {ansible_connection: local}\n';

const PLAYBOOK = `
- hosts: h1
  gather_facts: false
  tasks:
    - set_fact: {given: "by {{ inventory_hostname }}"}
      delegate_to: h2
      delegate_facts: true
    - set_fact: {mine: "kept by {{ inventory_hostname }}"}
      delegate_to: h2
    - name: the classic idiom, facts of other hosts gathered from one
      setup: {gather_subset: [min]}
      delegate_to: "{{ item }}"
      delegate_facts: true
      loop: [h2]
    - include_vars: {file: extra.yml}
      delegate_to: h2
      delegate_facts: true
    - debug: {msg: "{{ given | default('not on h1') }} {{ mine }} {{ ansible_facts.hostname is defined }} {{ from_file | default('no file var') }}"}
    - debug: {msg: on the controller}
      delegate_to: localhost
    - debug: {msg: x}
      loop: [{a: 1, b: "it's"}, [1, true, null], 2.5, yes, plain, {n: {m: [x]}}]
    - debug: {msg: y}
      loop: [{name: a, v: 1}]
      loop_control: {label: "{{ item.name }}"}
- hosts: h2
  gather_facts: false
  tasks:
    - debug: {msg: "{{ given }} {{ mine | default('not on h2') }} {{ ansible_facts.hostname is defined }} {{ ansible_hostname is defined }} {{ from_file }}"}
`;

describe('delegate_facts, delegated results and loop labels do what ansible-playbook does', function () {
  this.timeout(120_000);
  let work: string;
  let remove: () => void;

  before(() => {
    ({ dir: work, remove } = parityWorkspace('airlock-delegate-facts-parity-', { 'inventory.yml': INVENTORY, 'site.yml': PLAYBOOK, 'extra.yml': 'from_file: yes\n' }));
  });
  after(() => remove());

  it('prints the same play output', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml', ['-f', '1']);
    expect(airlock).to.equal(ansible);
    expect(airlock).to.include('"msg": "by h1 not on h2 True True True"').and.include('ok: [h1 -> h2]').and.include("(item={'a': 1, 'b': \"it's\"})");
  });
});
