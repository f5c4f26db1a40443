// Controller-only modules and the registry: what the executor receives back.
import { expect } from 'chai';
import { assertModule } from '../../../src/modules/assert.js';
import { debugModule } from '../../../src/modules/debug.js';
import { failModule } from '../../../src/modules/fail.js';
import { metaModule } from '../../../src/modules/meta.js';
import { pauseModule } from '../../../src/modules/pause.js';
import { setFactModule } from '../../../src/modules/set_fact.js';
import { parseSetupOutput } from '../../../src/modules/setup.js';
import { findModule, moduleNames } from '../../../src/modules/lib/registry.js';
import { FakeConnection, fakeContext } from './fake-connection.js';

const ctx = (overrides = {}) => fakeContext(new FakeConnection(), overrides);

describe('controller-only modules', () => {
  it('assert: passes, fails on the first false with fail_msg, and fails naming a condition that cannot be evaluated', async () => {
    const evaluate = (expression: string): unknown => ({ 'a == 1': true, 'b': [], 'c': 'x' })[expression];
    expect(await assertModule.run({ that: ['a == 1', 'c'] }, ctx({ evaluate }))).to.deep.equal({ changed: false, msg: 'All assertions passed' });
    expect(await assertModule.run({ that: ['a == 1', 'b'], fail_msg: 'b is empty' }, ctx({ evaluate }))).to.include({ failed: true, msg: 'b is empty' });
    const broken = (): unknown => { throw new Error("'a' is undefined"); };
    expect((await assertModule.run({ that: 'a == 1' }, ctx({ evaluate: broken }))).msg).to.equal("assert: evaluating 'a == 1' failed: 'a' is undefined");
  });

  it('fail, debug, set_fact, meta, pause', async () => {
    expect(await failModule.run({}, ctx())).to.include({ failed: true, msg: 'Failed as requested from task' });
    expect(await debugModule.run({ msg: 'hi' }, ctx())).to.deep.equal({ changed: false, msg: 'hi' });
    expect((await debugModule.run({ var: 'x.y' }, ctx({ evaluate: () => 42 }))).data).to.deep.equal({ 'x.y': 42 });
    expect(await debugModule.run({ msg: 'hi', verbosity: 2 }, ctx({ verbosity: 1 }))).to.include({ skipped: true });
    expect((await setFactModule.run({ release: '2.5', cacheable: true }, ctx())).data).to.deep.equal({ facts: { release: '2.5' } });
    expect((await metaModule.run({ action: 'flush_handlers' }, ctx())).data).to.deep.equal({ meta: 'flush_handlers' });
    expect((await metaModule.run({ action: 'reboot' }, ctx())).failed).to.equal(true);
    expect((await pauseModule.run({ prompt: 'continue?' }, ctx())).msg).to.include('interactive prompts are not supported');
  });

  it('pause ends early when the run is interrupted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const result = await pauseModule.run({ seconds: 30 }, ctx({ signal: controller.signal }));
    expect(result).to.include({ failed: true, msg: 'pause: interrupted' });
    expect(Date.now() - started).to.be.lessThan(2000);
  });

  it('setup parses one exec into Ansible fact names', () => {
    const stdout = [
      '==hostname', 'web1', '==fqdn', 'web1.enclave.lan', '==os', 'ID=debian', 'VERSION_ID="12"', 'VERSION_CODENAME=bookworm', '==arch', 'x86_64', '==kernel', '6.1.0-18-amd64',
      '==mem', 'MemTotal:       24576000 kB', '==cpu', '2', '==df', 'Filesystem Type 1024-blocks Used Available Capacity Mounted on', '/dev/sda1 ext4 1000 400 600 40% /',
      '==addr', '1: lo    inet 127.0.0.1/8 scope host lo', '2: eth0    inet 10.1.2.3/24 brd 10.1.2.255 scope global eth0', '==route', 'default via 10.1.2.1 dev eth0', '==user', 'root', '',
    ].join('\n');
    const facts = parseSetupOutput(stdout);
    expect(facts).to.include({ ansible_hostname: 'web1', ansible_fqdn: 'web1.enclave.lan', ansible_distribution: 'Debian', ansible_distribution_version: '12', ansible_os_family: 'Debian', ansible_memtotal_mb: 24000, ansible_processor_vcpus: 2 });
    expect(facts['ansible_all_ipv4_addresses']).to.deep.equal(['10.1.2.3']);
    expect(facts['ansible_default_ipv4']).to.deep.equal({ interface: 'eth0', gateway: '10.1.2.1', address: '10.1.2.3', prefix: '24', netmask: '255.255.255.0', network: '10.1.2.0' });
    expect(facts['ansible_mounts']).to.deep.equal([{ mount: '/', device: '/dev/sda1', fstype: 'ext4', size_total: 1024000, size_available: 614400, block_size: 1024 }]);
  });

  it('the registry knows every core module under Ansible names', () => {
    for (const name of ['command', 'shell', 'raw', 'script', 'copy', 'template', 'file', 'stat', 'lineinfile', 'fetch', 'wait_for', 'assert', 'fail', 'debug', 'set_fact', 'pause', 'meta', 'setup']) {
      expect(moduleNames(), name).to.include(name);
    }
    expect(findModule('ansible.builtin.copy')?.name).to.equal('copy');
  });
});
