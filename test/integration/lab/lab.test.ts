// A small lab seen from outside, the way an operator (or airlock) reaches it: OpenSSH with the written key and
// known_hosts, strict host key checking, one sshd per host, per-host filesystems, a host only reachable via a jump.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { parse } from 'yaml';
import { ensureLab, type LabInfo } from '../../support/lab.js';
import { airlock, sshTo } from './helpers.js';

const LAB = 'labit';

describe('lab: hosts reachable over SSH (airlock lab up --hosts 3)', function () {
  this.timeout(120_000);
  let lab: LabInfo;

  before(async () => {
    lab = await ensureLab({ name: LAB, hosts: 3 });
  });

  it('answers on every host with that host own hostname, checked against the written known_hosts', async () => {
    for (const host of lab.hosts) {
      const result = await sshTo(lab, host.ip, 'hostname');
      expect(result.exitCode, result.stderr).to.equal(0);
      expect(result.stdout).to.equal(host.name);
    }
  });

  it('gives every host its own host key (a known_hosts without it refuses the connection)', async () => {
    const keys = readFileSync(lab.knownHostsPath, 'utf8').trim().split('\n').map((line) => line.split(' ').slice(1).join(' '));
    expect(new Set(keys).size).to.equal(lab.hosts.length + 1);
    const first = lab.hosts[0];
    if (!first) throw new Error('lab has no hosts');
    const result = await sshTo({ ...lab, knownHostsPath: '/dev/null' }, first.ip, 'true');
    expect(result.exitCode).to.equal(255);
    expect(result.stderr).to.match(/Host key verification failed|No ED25519 host key is known/);
  });

  it('keeps /srv per host: a file written on host 1 is neither on host 2 nor on the machine itself', async () => {
    const [one, two] = lab.hosts;
    if (!one || !two) throw new Error('lab needs 2 hosts');
    const path = `/srv/airlock-lab-test-${randomUUID()}`;
    const write = await sshTo(lab, one.ip, `echo on-host-1 > ${path} && cat ${path}`);
    expect(write.exitCode, write.stderr).to.equal(0);
    expect(write.stdout).to.equal('on-host-1');
    try {
      const onTwo = await sshTo(lab, two.ip, `test -e ${path}`);
      expect(onTwo.exitCode, 'file visible on host 2').to.equal(1);
      expect(existsSync(path), 'file visible in the root namespace').to.equal(false);
    } finally {
      await sshTo(lab, one.ip, `rm -f ${path}`);
    }
  });

  it('starts SSH sessions with empty /root/.bashrc and /root/.profile and no default route', async () => {
    const first = lab.hosts[0];
    if (!first) throw new Error('lab has no hosts');
    const result = await sshTo(lab, first.ip, 'stat -c %s /root/.bashrc /root/.profile; ip route');
    expect(result.exitCode, result.stderr).to.equal(0);
    const [bashrc, profile, ...routes] = result.stdout.split('\n');
    expect([bashrc, profile]).to.deep.equal(['0', '0']);
    expect(routes.join('\n')).not.to.match(/^default/m);
  });

  it('serves sftp (internal-sftp), which file transfer relies on', async () => {
    const first = lab.hosts[0];
    if (!first) throw new Error('lab has no hosts');
    const result = await execa(
      'sftp',
      ['-F', '/dev/null', '-i', lab.privateKeyPath, '-o', `UserKnownHostsFile=${lab.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes',
        '-o', 'BatchMode=yes', '-b', '-', `root@${first.ip}`],
      { input: 'pwd\n', reject: false },
    );
    expect(result.exitCode, String(result.stderr)).to.equal(0);
    expect(String(result.stdout)).to.contain('Remote working directory: /root');
  });

  it('reaches the behind-jump host only through the jump host', async () => {
    // The root namespace holds an `unreachable` route for the jump-only subnet: the attempt fails locally at once.
    const route = await execa('ip', ['route', 'get', lab.behindJumpHost.ip], { reject: false });
    expect(route.exitCode).not.to.equal(0);
    expect(String(route.stderr)).to.match(/No route to host|unreachable/i);
    const direct = await sshTo(lab, lab.behindJumpHost.ip, 'hostname', ['-o', 'ConnectTimeout=3']);
    expect(direct.exitCode).to.equal(255);
    expect(direct.stderr).to.match(/No route to host|unreachable/i);
    // The jump hop reads the lab's ssh_config (key + known_hosts): command-line -o options do not reach it.
    const viaJump = await execa(
      'ssh',
      ['-F', lab.sshConfigPath, '-J', `root@${lab.jumpHost.ip}`, `root@${lab.behindJumpHost.ip}`, 'hostname'],
      { reject: false, timeout: 60_000 },
    );
    expect(viaJump.exitCode, String(viaJump.stderr)).to.equal(0);
    expect(String(viaJump.stdout).trim()).to.equal(lab.behindJumpHost.name);
  });

  it('writes an inventory that names hosts, groups, key, known_hosts and the jump', () => {
    const inventory = parse(readFileSync(lab.inventoryPath, 'utf8')) as {
      all: { vars: Record<string, unknown>; children: Record<string, { hosts: Record<string, Record<string, unknown> | null> }> };
    };
    expect(inventory.all.vars).to.include({
      ansible_user: 'root',
      ansible_ssh_private_key_file: lab.privateKeyPath,
      airlock_known_hosts: lab.knownHostsPath,
    });
    const groups = inventory.all.children;
    expect(Object.keys(groups.lab?.hosts ?? {})).to.deep.equal(lab.hosts.map((h) => h.name));
    expect(groups.lab?.hosts[lab.jumpHost.name]).to.deep.equal({ ansible_host: lab.jumpHost.ip });
    expect(Object.keys(groups.canary?.hosts ?? {})).to.deep.equal([lab.hosts[0]?.name]);
    const behind = groups.behind_jump?.hosts[lab.behindJumpHost.name];
    expect(behind?.ansible_host).to.equal(lab.behindJumpHost.ip);
    expect(String(behind?.ansible_ssh_common_args)).to.contain(`-o ProxyJump=root@${lab.jumpHost.ip}`);
    expect(behind?.airlock_jump).to.deep.equal([lab.jumpHost.name]);
    expect(groups.lxd).to.equal(undefined);
  });

  it('reports every host up in `airlock lab status`', async () => {
    const result = await airlock(['lab', 'status', '--name', LAB, '--json']);
    expect(result.exitCode, result.stderr).to.equal(0);
    const status = JSON.parse(result.stdout) as { up: boolean; hosts: Array<{ name: string; sshd: boolean }> };
    expect(status.up).to.equal(true);
    expect(status.hosts.map((h) => h.name)).to.deep.equal([...lab.hosts.map((h) => h.name), lab.behindJumpHost.name]);
    expect(status.hosts.every((h) => h.sshd)).to.equal(true);
  });

  it('returns the cached lab on a second ensureLab() call at once', async () => {
    const started = Date.now();
    const again = await ensureLab({ name: LAB, hosts: 2 });
    expect(Date.now() - started).to.be.below(50);
    expect(again).to.deep.equal(lab);
  });
});
