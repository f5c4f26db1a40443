// hostname: the exact commands, and Ansible's Debian (no systemd) behaviour: /etc/hostname only.
import { expect } from 'chai';
import { HOSTNAME_PROBE, hostnameModule, parseHostnameProbe, writeHostnameCommand } from '../../../src/modules/hostname.js';
import { FakeConnection, fakeContext } from './fake-connection.js';

describe('modules: hostname', () => {
  it('the probe and the write', () => {
    expect(HOSTNAME_PROBE).to.equal(`if [ -d /run/systemd/system ]; then echo systemd; fi; printf 'F\\t%s\\n' "$(hostname -f 2>/dev/null || hostname)"; echo __AIRLOCK_HOSTNAME__; cat /etc/hostname 2>/dev/null; true`);
    expect(writeHostnameCommand('web-01.lab')).to.equal(`printf '%s\\n' web-01.lab > /etc/hostname`);
    expect(parseHostnameProbe('F\tvm.lab\n__AIRLOCK_HOSTNAME__\n old \n')).to.deep.equal({ systemd: false, fqdn: 'vm.lab', permanent: 'old' });
  });
  it('run: a different name is written, with Ansible\'s facts and diff; the same name is ok', async () => {
    const conn = new FakeConnection([
      { command: HOSTNAME_PROBE, result: { stdout: 'F\tvm.lab\n__AIRLOCK_HOSTNAME__\nvm\n' } },
      { command: writeHostnameCommand('web-01.lab') },
      { command: HOSTNAME_PROBE, result: { stdout: 'F\tvm.lab\n__AIRLOCK_HOSTNAME__\nweb-01.lab\n' } },
    ]);
    expect(await hostnameModule.run({ name: 'web-01.lab' }, fakeContext(conn))).to.deep.equal({
      changed: true,
      data: { name: 'web-01.lab', ansible_facts: { ansible_hostname: 'web-01', ansible_nodename: 'web-01.lab', ansible_fqdn: 'vm.lab', ansible_domain: 'lab' } },
      diff: [{ before: 'hostname = vm\n', after: 'hostname = web-01.lab\n' }],
    });
    expect((await hostnameModule.run({ name: 'web-01.lab' }, fakeContext(conn))).changed).to.equal(false);
    expect(conn.done).to.equal(true);
  });
  it('a systemd host and a bad name are clear errors', async () => {
    const conn = new FakeConnection([{ command: HOSTNAME_PROBE, result: { stdout: 'systemd\nF\tvm\n__AIRLOCK_HOSTNAME__\nvm\n' } }]);
    expect((await hostnameModule.run({ name: 'x' }, fakeContext(conn))).msg).to.match(/runs systemd/);
    expect((await hostnameModule.run({ name: 'a b' }, fakeContext(new FakeConnection()))).msg).to.equal(`hostname: 'name' "a b" is not a valid host name`);
  });
});
