import { expect } from 'chai';
import { userInfo } from 'node:os';
import { connectionSettings, type ConnectionSettings } from '../../../src/connection/settings.js';
import { InputError } from '../../../src/util/errors.js';
import type { Vars } from '../../../src/inventory/types.js';

const me = userInfo().username;

interface Row {
  name: string;
  host: string;
  vars: Vars;
  expect: Partial<ConnectionSettings>;
}

const rows: Row[] = [
  { name: 'defaults: address is the inventory name, port 22, current user, ssh', host: 'web1', vars: {}, expect: { address: 'web1', port: 22, user: me, transport: 'ssh', jumps: [], knownHostsFiles: [] } },
  { name: 'ansible_host / ansible_port / ansible_user', host: 'web1', vars: { ansible_host: '10.0.0.5', ansible_port: '2222', ansible_user: 'deploy' }, expect: { address: '10.0.0.5', port: 2222, user: 'deploy' } },
  { name: 'private key file with ~ expanded', host: 'web1', vars: { ansible_ssh_private_key_file: '/keys/id' }, expect: { privateKeyFile: '/keys/id' } },
  { name: 'no password unless configured', host: 'web1', vars: {}, expect: { password: undefined } },
  { name: 'ansible_password', host: 'web1', vars: { ansible_password: 's3cret' }, expect: { password: 's3cret' } },
  { name: 'ansible_ssh_pass', host: 'web1', vars: { ansible_ssh_pass: 'p' }, expect: { password: 'p' } },
  { name: 'localhost is implicitly local', host: 'localhost', vars: {}, expect: { transport: 'local' } },
  { name: '127.0.0.1 is implicitly local', host: '127.0.0.1', vars: {}, expect: { transport: 'local' } },
  { name: 'localhost with another ansible_host is ssh', host: 'localhost', vars: { ansible_host: '10.1.1.1' }, expect: { transport: 'ssh' } },
  { name: 'explicit ansible_connection: local', host: 'ctl', vars: { ansible_connection: 'local' }, expect: { transport: 'local', jumps: [] } },
  { name: 'explicit ansible_connection: ssh on localhost', host: 'localhost', vars: { ansible_connection: 'ssh' }, expect: { transport: 'ssh' } },
  { name: 'become defaults', host: 'h', vars: {}, expect: { become: { enabled: false, user: 'root' } } },
  { name: 'become yes, user, password', host: 'h', vars: { ansible_become: 'yes', ansible_become_user: 'misp', ansible_become_password: 'pw' }, expect: { become: { enabled: true, user: 'misp', password: 'pw' } } },
  { name: 'ansible_become_pass alias', host: 'h', vars: { ansible_become: true, ansible_become_pass: 'pw2' }, expect: { become: { enabled: true, user: 'root', password: 'pw2' } } },
  { name: 'ProxyJump in common args', host: 'h', vars: { ansible_ssh_common_args: '-o ProxyJump=root@10.0.0.1' }, expect: { jumps: [{ target: '10.0.0.1', user: 'root' }] } },
  { name: 'quoted ProxyJump with port and nested hops', host: 'h', vars: { ansible_ssh_common_args: "-o 'ProxyJump=a@j1:2200,j2' -o StrictHostKeyChecking=no" }, expect: { jumps: [{ target: 'j1', user: 'a', port: 2200 }, { target: 'j2' }] } },
  { name: '-J in extra args', host: 'h', vars: { ansible_ssh_extra_args: '-J ops@bastion:2022' }, expect: { jumps: [{ target: 'bastion', user: 'ops', port: 2022 }] } },
  { name: '-oProxyJump glued', host: 'h', vars: { ansible_ssh_common_args: '-oProxyJump=b1' }, expect: { jumps: [{ target: 'b1' }] } },
  { name: 'ProxyCommand ssh -W', host: 'h', vars: { ansible_ssh_common_args: '-o ProxyCommand="ssh -W %h:%p -q -p 2022 ops@bastion"' }, expect: { jumps: [{ target: 'bastion', user: 'ops', port: 2022 }] } },
  { name: 'ProxyJump none means direct', host: 'h', vars: { ansible_ssh_common_args: '-o ProxyJump=none' }, expect: { jumps: [] } },
  { name: 'unrelated ssh args give no jumps', host: 'h', vars: { ansible_ssh_common_args: '-o StrictHostKeyChecking=no -C' }, expect: { jumps: [] } },
  { name: 'airlock_jump list wins over ssh args', host: 'h', vars: { airlock_jump: ['jumpa', 'u@10.9.9.9:23'], ansible_ssh_common_args: '-J other' }, expect: { jumps: [{ target: 'jumpa' }, { target: '10.9.9.9', user: 'u', port: 23 }] } },
  { name: 'airlock_jump as comma string', host: 'h', vars: { airlock_jump: 'j1,j2' }, expect: { jumps: [{ target: 'j1' }, { target: 'j2' }] } },
  { name: 'IPv6 jump in brackets', host: 'h', vars: { airlock_jump: ['root@[fd00::1]:2200'] }, expect: { jumps: [{ target: 'fd00::1', user: 'root', port: 2200 }] } },
  { name: 'airlock_known_hosts single path', host: 'h', vars: { airlock_known_hosts: '/lab/known_hosts' }, expect: { knownHostsFiles: ['/lab/known_hosts'] } },
  { name: 'airlock_known_hosts list', host: 'h', vars: { airlock_known_hosts: ['/a', '/b'] }, expect: { knownHostsFiles: ['/a', '/b'] } },
  { name: 'ansible_ssh_timeout is seconds', host: 'h', vars: { ansible_ssh_timeout: 7 }, expect: { connectTimeoutMs: 7000 } },
];

describe('connection settings from Ansible variables', () => {
  for (const row of rows) {
    it(row.name, () => {
      const settings = connectionSettings(row.host, row.vars);
      for (const [key, value] of Object.entries(row.expect)) {
        expect(settings[key as keyof ConnectionSettings], key).to.deep.equal(value);
      }
    });
  }

  const bad: Array<[string, Vars, RegExp]> = [
    ['port out of range', { ansible_port: 70000 }, /ansible_port/],
    ['port not a number', { ansible_port: 'ssh' }, /ansible_port/],
    ['unknown connection plugin', { ansible_connection: 'winrm' }, /ansible_connection "winrm"/],
    ['become method other than sudo', { ansible_become_method: 'doas' }, /only sudo/],
    ['jump with bad port', { airlock_jump: ['j1:99999'] }, /airlock_jump.*invalid port/],
    ['unterminated quote in ssh args', { ansible_ssh_common_args: "-o 'ProxyJump=a" }, /ansible_ssh_common_args.*unterminated/],
    ['become not a boolean', { ansible_become: 'perhaps' }, /ansible_become/],
  ];
  for (const [name, vars, message] of bad) {
    it(`rejects ${name} with an InputError naming the host`, () => {
      expect(() => connectionSettings('web7', vars)).to.throw(InputError, /web7/).with.property('message').that.matches(message);
    });
  }
});
