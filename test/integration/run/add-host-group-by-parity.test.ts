// add_host and group_by against ansible-playbook on the local connection: the in-memory inventory they change is
// what later plays select, what `groups`, `group_names` and `hostvars` show, and `changed` is Ansible's (a repeated
// call that changes nothing is ok). One fork, so that both print hosts in the same order.
import { expect } from 'chai';
import { parityWorkspace, runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = `all:
  hosts:
    h1: {ansible_connection: local, color: red}
    h2: {ansible_connection: local, color: blue}
  children:
    web:
      hosts:
        h2:
      vars: {tier: front}
`;

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: a new host in two groups, with variables
      add_host: {name: newbie, groups: [extra, more], ansible_connection: local, v: from_add_host}
      register: added
    - debug: {var: added}
    - name: the same again changes nothing
      add_host: {name: newbie, groups: extra, ansible_connection: local, v: from_add_host}
    - name: one host per item, k=v arguments
      add_host: "name=n{{ item }} groups=extra,web ansible_connection=local"
      loop: [1, 2]
    - group_by: {key: "color_{{ color }}", parents: [colors]}
      register: grouped
    - debug: {var: grouped}
    - name: the same group under all as well
      group_by: {key: "color_{{ color }}"}
    - name: nothing new
      group_by: {key: "color {{ color }}"}
    - debug: {msg: "{{ groups }}"}
      run_once: true
- hosts: extra
  gather_facts: false
  tasks:
    - debug: {msg: "{{ v | default('none') }} {{ group_names }} {{ tier | default('no tier') }}"}
- hosts: color_red:colors:!web
  gather_facts: false
  tasks:
    - debug: {msg: "{{ hostvars.newbie.v }} {{ hostvars.n1.group_names }} {{ groups.web }}"}
`;

describe('add_host and group_by do what ansible-playbook does', function () {
  this.timeout(120_000);
  let work: string;
  let remove: () => void;

  before(() => {
    ({ dir: work, remove } = parityWorkspace('airlock-add-host-parity-', { 'inventory.yml': INVENTORY, 'site.yml': PLAYBOOK }));
  });
  after(() => remove());

  it('prints the same play output', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml', ['-f', '1']);
    expect(airlock).to.equal(ansible);
    expect(airlock).to.include('ok: [newbie]').and.include('"msg": "from_add_host [\'extra\', \'more\'] no tier"');
  });
});
