// `airlock lab up --lxd`: every host runs its own LXD daemon, answering over SSH, independent of the others.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ensureLab, type LabInfo } from '../../support/lab.js';
import { airlock, sshTo } from './helpers.js';

const LAB = 'labxd';

describe('lab with LXD (airlock lab up --hosts 2 --lxd)', function () {
  this.timeout(240_000);
  let lab: LabInfo;

  before(async function () {
    this.timeout(240_000);
    lab = await ensureLab({ name: LAB, hosts: 2, lxd: true });
  });

  it('answers `lxc list` over SSH on every host', async () => {
    for (const host of lab.hosts) {
      const result = await sshTo(lab, host.ip, 'lxc list --format csv');
      expect(result.exitCode, result.stderr).to.equal(0);
    }
  });

  it('runs a separate LXD per host: a profile created on host 1 does not exist on host 2', async () => {
    const [one, two] = lab.hosts;
    if (!one || !two) throw new Error('lab needs 2 hosts');
    const profile = `airlock-probe-${randomUUID().slice(0, 8)}`;
    const create = await sshTo(lab, one.ip, `lxc profile create ${profile}`);
    expect(create.exitCode, create.stderr).to.equal(0);
    try {
      const onOne = await sshTo(lab, one.ip, 'lxc profile list --format csv');
      expect(onOne.stdout).to.contain(profile);
      const onTwo = await sshTo(lab, two.ip, 'lxc profile list --format csv');
      expect(onTwo.exitCode, onTwo.stderr).to.equal(0);
      expect(onTwo.stdout).not.to.contain(profile);
    } finally {
      await sshTo(lab, one.ip, `lxc profile delete ${profile}`);
    }
  });

  it('initialised LXD by preseed: a dir pool and a bridge without NAT or IPv6', async () => {
    const first = lab.hosts[0];
    if (!first) throw new Error('lab has no hosts');
    const result = await sshTo(
      lab,
      first.ip,
      'lxc storage get default source >/dev/null && lxc storage show default | grep "^driver:"; ' +
        'lxc network get lxdbr0 ipv4.nat; lxc network get lxdbr0 ipv6.address; lxc profile device list default',
    );
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(result.stdout.split('\n')).to.include.members(['driver: dir', 'false', 'none', 'root', 'eth0']);
  });

  it('puts the hosts in an `lxd` inventory group and reports LXD up in `airlock lab status`', async () => {
    const result = await airlock(['lab', 'status', '--name', LAB, '--json']);
    expect(result.exitCode, result.stderr).to.equal(0);
    const status = JSON.parse(result.stdout) as { hosts: Array<{ name: string; role: string; lxd: boolean | null }> };
    const lxdHosts = status.hosts.filter((h) => h.role === 'host');
    expect(lxdHosts.map((h) => h.lxd)).to.deep.equal(lab.hosts.map(() => true));
    const inventory = parse(readFileSync(lab.inventoryPath, 'utf8')) as { all: { children: Record<string, { hosts: Record<string, unknown> }> } };
    expect(Object.keys(inventory.all.children.lxd?.hosts ?? {})).to.deep.equal(lab.hosts.map((h) => h.name));
  });
});
