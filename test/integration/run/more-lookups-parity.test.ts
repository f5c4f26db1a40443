// with_indexed_items, with_random_choice, with_lines and with_inventory_hostnames against ansible-playbook on the
// local connection (the random choice is made among equal outcomes, so that both print the same).
import { expect } from 'chai';
import { parityWorkspace, runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = `all:
  hosts:
    localhost: {ansible_connection: local}
  children:
    web:
      hosts:
        w1: {ansible_connection: local}
        w2: {ansible_connection: local}
`;

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - debug: {msg: "{{ item.0 }}={{ item.1 }}"}
      with_indexed_items: [a, [b, c], d]
    - debug: {msg: "{{ item }}"}
      with_random_choice: [same, same]
    - debug: {msg: "{{ item }}"}
      with_lines: "printf 'one\\\\ntwo words\\\\n'; cat lines.txt"
    - debug: {msg: "{{ item }}"}
      with_inventory_hostnames: [web, "all:!web"]
    - debug: {msg: "{{ item }}"}
      with_inventory_hostnames: "web:localhost"
    - add_host: {name: extra1, groups: web}
    - debug: {msg: "{{ item }}"}
      with_inventory_hostnames: web
`;

describe('with_indexed_items, with_random_choice, with_lines, with_inventory_hostnames do what ansible-playbook does', function () {
  this.timeout(120_000);
  let work: string;
  let remove: () => void;

  before(() => {
    ({ dir: work, remove } = parityWorkspace('airlock-more-lookups-parity-', { 'inventory.yml': INVENTORY, 'site.yml': PLAYBOOK, 'lines.txt': 'from the playbook dir\n' }));
  });
  after(() => remove());

  it('prints the same play output', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml');
    expect(airlock).to.equal(ansible);
    expect(airlock).to.include('(item=[1, \'b\'])').and.include('"msg": "from the playbook dir"').and.include('(item=extra1)');
  });
});
