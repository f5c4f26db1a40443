// add_host and group_by change the run's in-memory inventory: later plays' patterns, `groups`, `group_names` and
// `hostvars` see it; add_host runs once per task; `changed` is whether the inventory changed (Ansible's rule).
import { expect } from 'chai';
import { RunInventory } from '../../../src/executor/run-inventory.js';
import { addHostRequest } from '../../../src/modules/add_host.js';
import { groupByModule } from '../../../src/modules/group_by.js';
import type { ModuleContext } from '../../../src/modules/lib/types.js';
import type { RunEvent } from '../../../src/types/events.js';
import type { TaskResult } from '../../../src/types/result.js';
import { action, fakeInventory, play, runFake } from './fakes.js';

function results(events: RunEvent[]): TaskResult[] {
  return events.flatMap((event) => (event.type === 'task_result' ? [event.result] : []));
}

describe('add_host and group_by', () => {
  it('add_host reads name:port, groups as a list or a comma string, and keeps every other argument as a host variable', () => {
    expect(addHostRequest({ name: 'db1:2222', groups: 'a, b,a', ansible_user: 'u', host: 'x' })).to.deep.equal({
      host_name: 'db1', groups: ['a', 'b'], host_vars: { ansible_user: 'u', host: 'x', ansible_ssh_port: 2222 },
    });
    expect(addHostRequest({ hostname: '[fe80::1]:22', groupname: ['g'] }).host_name).to.equal('fe80::1');
  });

  it('group_by: spaces become dashes, parents default to all, a missing key is Ansible\'s message', async () => {
    const ctx = {} as ModuleContext;
    expect((await groupByModule.run({ key: 'os Debian 12' }, ctx)).data).to.deep.equal({ add_group: 'os-Debian-12', parent_groups: ['all'] });
    expect(await groupByModule.run({}, ctx)).to.deep.include({ failed: true, msg: "the 'key' param is required when using group_by" });
  });

  it('the run inventory: a new host joins all and its groups (created under all); changed only when something is new', () => {
    const inventory = new RunInventory(fakeInventory({ web: ['h1', 'h2'], ungrouped: [] }));
    expect(inventory.addHost('n1', ['extra'], { v: 1 })).to.equal(true);
    expect(inventory.addHost('n1', ['extra'], { v: 1 })).to.equal(false);
    expect(inventory.addHost('n1', [], { v: 2 })).to.equal(true);
    expect(inventory.groupHosts('all')).to.deep.equal(['h1', 'h2', 'n1']);
    expect(inventory.select('extra')).to.deep.equal(['n1']);
    expect(inventory.hosts.get('n1')).to.deep.include({ vars: { v: 2 } });
    expect(inventory.hosts.get('n1')?.groups).to.have.members(['all', 'extra']);
    expect(inventory.addHost('lonely', [], {})).to.equal(true);
    expect(inventory.groupHosts('ungrouped')).to.deep.equal(['lonely']);
  });

  it('group_by under parents: the group is a child of those only; a second time with the default parent all is a change', () => {
    const inventory = new RunInventory(fakeInventory({ web: ['h1', 'h2'] }));
    expect(inventory.addToGroup('h1', 'color_red', ['colors'])).to.equal(true);
    expect(inventory.addToGroup('h1', 'color_red', ['colors'])).to.equal(false);
    expect(inventory.groups.get('colors')?.children).to.deep.equal(['color_red']);
    expect(inventory.groups.get('all')?.children).to.include('colors').and.not.include('color_red');
    expect(inventory.addToGroup('h1', 'color_red', ['all'])).to.equal(true);
    expect(inventory.select('colors')).to.deep.equal(['h1']);
    expect(inventory.hosts.get('h1')?.groups).to.include.members(['color_red', 'colors']);
  });

  it('add_host runs once for the task (on the first host) and a later play targets the new host with its variables', async () => {
    const { recorder } = await runFake([
      play({ tasks: [action('add_host', { name: 'new1', groups: ['extra'], v: 'x' }, { register: 'r' })] }),
      play({ hosts: 'extra', tasks: [action('debug', { msg: '{{ v }} {{ group_names }} {{ groups.extra }} {{ hostvars.new1.v }}' })] }),
    ], { inventory: fakeInventory({ web: ['h1', 'h2'] }) });
    const shown = results(recorder.events);
    expect(shown.filter((result) => result.action === 'add_host').map((result) => [result.host, result.status])).to.deep.equal([['h1', 'changed']]);
    expect(shown.filter((result) => result.action === 'debug').map((result) => [result.host, result.msg])).to.deep.equal([['new1', "x ['extra'] ['new1'] x"]]);
  });

  it('group_by runs on every host; the next play selects by the new groups; a loop adds one host per item', async () => {
    const { recorder } = await runFake([
      play({
        tasks: [
          action('group_by', { key: 'c_{{ color }}' }),
          action('add_host', { name: 'n{{ item }}', groups: 'extra' }, { loop: [1, 2] }),
        ],
      }),
      play({ hosts: 'c_red:extra', tasks: [action('debug', { msg: '{{ inventory_hostname }}' })] }),
    ], { inventory: fakeInventory({ web: ['h1', 'h2'] }, { h1: { color: 'red' }, h2: { color: 'blue' } }) });
    const shown = results(recorder.events);
    expect(shown.filter((result) => result.action === 'group_by').map((result) => [result.host, result.status])).to.deep.equal([['h1', 'changed'], ['h2', 'changed']]);
    expect(shown.find((result) => result.action === 'add_host')?.results?.map((item) => item.status)).to.deep.equal(['changed', 'changed']);
    expect(shown.filter((result) => result.action === 'debug').map((result) => result.host)).to.deep.equal(['h1', 'n1', 'n2']);
  });
});

describe('delegate_facts', () => {
  it('set_fact with delegate_to and delegate_facts sets the fact on the delegate only; the result names it', async () => {
    const { recorder } = await runFake([
      play({
        hosts: 'h1',
        tasks: [
          action('set_fact', { given: 'by {{ inventory_hostname }}' }, { delegateTo: 'h2', delegateFacts: true }),
          action('set_fact', { mine: 'kept' }, { delegateTo: 'h2' }),
        ],
      }),
      play({ tasks: [action('debug', { msg: "{{ given | default('none') }} {{ mine | default('none') }}" })] }),
    ], { inventory: fakeInventory({ web: ['h1', 'h2'] }, { h2: { ansible_host: '10.0.0.2' } }) });
    const shown = results(recorder.events);
    expect(shown.filter((result) => result.action === 'set_fact').map((result) => result.delegatedTo)).to.deep.equal(['10.0.0.2', '10.0.0.2']);
    expect(shown.filter((result) => result.action === 'debug').map((result) => [result.host, result.msg])).to.deep.equal([['h1', 'none kept'], ['h2', 'by h1 none']]);
  });
});
