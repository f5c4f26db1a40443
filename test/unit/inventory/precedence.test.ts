// Which value a host ends up with when the same variable is set at several levels.
import { expect } from 'chai';
import { loadInventory } from '../../../src/inventory/load.js';
import { writeTree } from './helpers.js';

describe('inventory: variable precedence', () => {
  it('all < parent group < child group < group_vars all < group_vars groups < host < host_vars', async () => {
    const tree = writeTree({
      'inv/hosts.ini': [
        '[parent:children]', 'child', '[child]', 'h1 only_host=1 v=host', 'h2', '[parent:vars]', 'v=parent', 'p=parent',
        '[child:vars]', 'v=child', '[all:vars]', 'v=all', 'a=all', 'g=inventory',
      ].join('\n'),
      'inv/group_vars/all.yml': 'g: group_vars_all\nfrom_gv_all: true\n',
      'inv/group_vars/child.yml': 'g: group_vars_child\n',
      'inv/host_vars/h1.yml': 'g: host_vars_h1\n',
    });
    try {
      const inventory = await loadInventory(['inv/hosts.ini'], { cwd: tree.dir });
      expect(inventory.hosts.get('h1')?.vars).to.deep.equal({
        v: 'host', a: 'all', p: 'parent', g: 'host_vars_h1', from_gv_all: true, only_host: 1,
        // ansible's record of where the host was defined, usable in templates
        inventory_file: tree.path('inv/hosts.ini'), inventory_dir: tree.path('inv'),
      });
      expect(inventory.hosts.get('h2')?.vars).to.deep.include({ v: 'child', g: 'group_vars_child' });
      expect(inventory.hosts.get('h2')?.groups).to.deep.equal(['all', 'parent', 'child']);
      // inventory-file vars lose to group_vars/ files even for a shallower group
      expect(inventory.hosts.get('h2')?.vars['g']).to.equal('group_vars_child');
    } finally {
      tree.remove();
    }
  });

  it('at equal depth, ansible_group_priority then the name decide', async () => {
    const tree = writeTree({
      'hosts.yml': 'a_high:\n  vars: {who: a_high, ansible_group_priority: 5}\n  hosts: {h: }\nb_low:\n  vars: {who: b_low}\n  hosts: {h: }\nc_low:\n  vars: {who: c_low, other: c}\n  hosts: {h: }\n',
    });
    try {
      const inventory = await loadInventory([tree.path('hosts.yml')]);
      expect(inventory.hosts.get('h')?.vars).to.deep.include({ who: 'a_high', other: 'c' });
      expect(inventory.groups.get('a_high')?.priority).to.equal(5);
      expect(inventory.groups.get('a_high')?.vars).to.not.have.property('ansible_group_priority');
    } finally {
      tree.remove();
    }
  });

  it('a later -i source overrides an earlier one; its group_vars/ apply too', async () => {
    const tree = writeTree({
      'one/hosts.yml': 'web:\n  hosts:\n    w1: {x: one, keep: yes}\n',
      'two/hosts': '[web]\nw1 x=two\nw2\n',
      'two/group_vars/web.yml': 'from_two: true\n',
    });
    try {
      const inventory = await loadInventory([tree.path('one/hosts.yml'), tree.path('two/hosts')]);
      expect(inventory.hosts.get('w1')?.vars).to.deep.equal({ x: 'two', keep: true, from_two: true, inventory_file: tree.path('one/hosts.yml'), inventory_dir: tree.path('one') });
      expect([...inventory.hosts.keys()]).to.deep.equal(['w1', 'w2']);
    } finally {
      tree.remove();
    }
  });
});
