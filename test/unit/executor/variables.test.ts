import { expect } from 'chai';
import { mergeLayers, PRECEDENCE, type VariableLayers } from '../../../src/executor/variables.js';
import { action, block, fakeInventory, play, runFake } from './fakes.js';

describe('executor variables: Ansible precedence', () => {
  // Each row: x is defined in this layer and every layer below it; the winner must be this layer.
  for (const [index, layer] of PRECEDENCE.entries()) {
    it(`${layer} beats ${index === 0 ? 'nothing' : PRECEDENCE[index - 1]}`, () => {
      const layers: Partial<VariableLayers> = {};
      for (const lower of PRECEDENCE.slice(0, index + 1)) layers[lower] = { x: lower, [`only_${lower}`]: true };
      const merged = mergeLayers(layers);
      expect(merged['x']).to.equal(layer);
      // lower layers' other variables are still visible
      for (const lower of PRECEDENCE.slice(0, index + 1)) expect(merged[`only_${lower}`]).to.equal(true);
    });
  }

  it('is the documented order', () => {
    expect(PRECEDENCE).to.deep.equal(['roleDefaults', 'inventory', 'facts', 'playVars', 'varsFiles', 'roleVars', 'blockVars', 'taskVars', 'includeParams', 'includedVars', 'setFacts', 'extraVars']);
  });

  it('a task sees the winner of every layer through a real run', async () => {
    const role = { name: 'web', path: '/fake/roles/web', defaults: { a: 'role default', b: 'role default', r: 'role default' }, vars: { r: 'role var' } };
    const { recorder } = await runFake([play({
      vars: { b: 'play var', c: 'play var', d: 'play var' },
      tasks: [
        action('set_fact', { d: 'set_fact' }),
        block({ block: [action('debug', { msg: '{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e }}|{{ r }}|{{ inv }}' }, { vars: { c: 'task var' }, role })] }, { vars: { c: 'block var', e: 'block var' } }),
      ],
    })], {
      inventory: fakeInventory({ web: ['h1'] }, { h1: { a: 'inventory', inv: 'inventory', e: 'inventory' } }),
      extraVars: { e: 'extra' },
    });
    const debug = recorder.callsOf('debug')[0];
    expect(debug?.args['msg']).to.equal('inventory|play var|task var|set_fact|extra|role var|inventory');
  });

  it('provides magic variables: inventory_hostname, groups, group_names, hostvars, play hosts, check mode, role_name', async () => {
    const role = { name: 'web', path: '/fake/roles/web', defaults: {}, vars: {} };
    const { recorder } = await runFake([play({
      tasks: [action('debug', {
        msg: '{{ inventory_hostname }} {{ inventory_hostname_short }} {{ group_names | join(",") }} {{ groups.db | join(",") }} {{ hostvars["db1"].port }} {{ ansible_play_hosts | length }} {{ ansible_check_mode }} {{ role_name }} {{ playbook_dir }}',
      }, { role })],
    })], { inventory: fakeInventory({ web: ['web1.example.org'], db: ['db1'] }, { db1: { port: 5432 } }), limit: ['web1.example.org'] });
    expect(recorder.callsOf('debug')[0]?.args['msg']).to.equal('web1.example.org web1 web db1 5432 1 False web /fake');
  });

  it('gathered facts are visible as ansible_facts and as ansible_* variables, and survive into the next play', async () => {
    const { recorder } = await runFake([
      play({ gatherFacts: true, tasks: [] }),
      play({ tasks: [action('debug', { msg: '{{ ansible_facts.hostname }} {{ ansible_distribution }}' })] }),
    ], { inventory: fakeInventory({ web: ['h1'] }) });
    expect(recorder.callsOf('setup')).to.have.length(1);
    expect(recorder.callsOf('debug')[0]?.args['msg']).to.equal('h1-facts Debian');
  });

  it('lazy templated variables resolve against the winning values', async () => {
    const { recorder } = await runFake([play({ vars: { greeting: 'hello {{ who }}', who: 'play' }, tasks: [action('debug', { msg: '{{ greeting }}' }, { vars: { who: 'task' } })] })],
      { inventory: fakeInventory({ web: ['h1'] }) });
    expect(recorder.callsOf('debug')[0]?.args['msg']).to.equal('hello task');
  });
});
