// The LXD modules' exact commands, pinned as pyinfra pins its operations: arguments + current state -> lxc lines.
import { expect } from 'chai';
import { planContainer, ipv4Of, type ContainerSpec } from '../../../src/modules/lxd_container.js';
import { planSnapshot } from '../../../src/modules/lxd_snapshot.js';
import { planProfile } from '../../../src/modules/lxd_profile.js';
import { planConfigObject } from '../../../src/modules/lib/lxd-config-object.js';
import { projectKind } from '../../../src/modules/lxd_project.js';
import { storageKind } from '../../../src/modules/lxd_storage.js';
import { networkKind } from '../../../src/modules/lxd_network.js';
import { lxdExecCommand } from '../../../src/modules/lxd_exec.js';
import { containerCopyCommand, containerWriteCommand } from '../../../src/modules/lxd_file.js';
import { pipeline } from '../../../src/util/shell.js';

const base: ContainerSpec = {
  name: 'misp-a1', project: 'misp', state: 'started', image: 'misp-v2', profiles: ['app'], config: {}, devices: {},
  newName: undefined, forceStop: false, stopTimeout: 30,
};

describe('lxd_container commands', () => {
  it('creates from the image with profiles and config, adds devices, then starts', () => {
    const spec = { ...base, config: { 'boot.autostart': 'true' }, devices: { data: { type: 'disk', source: '/srv/d', path: '/d' } } };
    expect(planContainer(spec, undefined)).to.deep.equal([
      'lxc init misp-v2 misp-a1 --profile app --config boot.autostart=true --project misp',
      'lxc config device add misp-a1 data disk source=/srv/d path=/d --project misp',
      'lxc start misp-a1 --project misp',
    ]);
  });

  it('does nothing for a running instance that already matches', () => {
    expect(planContainer(base, { name: 'misp-a1', status: 'Running', profiles: ['app'], config: { 'volatile.x': '1' } })).to.deep.equal([]);
  });

  it('stops gracefully with a timeout, or forcibly when asked', () => {
    const running = { name: 'misp-a1', status: 'Running', profiles: ['app'] };
    expect(planContainer({ ...base, state: 'stopped' }, running)).to.deep.equal(['lxc stop misp-a1 --timeout 30 --project misp']);
    expect(planContainer({ ...base, state: 'stopped', forceStop: true }, running)).to.deep.equal(['lxc stop misp-a1 --force --project misp']);
  });

  it('renames a stopped instance with lxc move, stopping it first when running', () => {
    const spec = { ...base, state: 'renamed' as const, newName: 'updated-misp-a1-1' };
    expect(planContainer(spec, { name: 'misp-a1', status: 'Running' })).to.deep.equal([
      'lxc stop misp-a1 --timeout 30 --project misp',
      'lxc move misp-a1 updated-misp-a1-1 --project misp',
    ]);
    expect(planContainer(spec, undefined, { name: 'updated-misp-a1-1', status: 'Stopped' })).to.deep.equal([]);
    expect(() => planContainer(spec, undefined, undefined)).to.throw(/neither it nor 'updated-misp-a1-1' exists/);
  });

  it('deletes (forcing a running one) and is a no-op when absent', () => {
    expect(planContainer({ ...base, state: 'absent' }, { name: 'misp-a1', status: 'Running' })).to.deep.equal(['lxc delete misp-a1 --force --project misp']);
    expect(planContainer({ ...base, state: 'absent' }, undefined)).to.deep.equal([]);
  });

  it('corrects drifted profiles, config and devices on an existing instance', () => {
    const spec = { ...base, profiles: ['app', 'extra'], config: { 'limits.memory': '2GiB' }, devices: { eth0: { type: 'nic', network: 'br1' } } };
    expect(planContainer(spec, { name: 'misp-a1', status: 'Stopped', profiles: ['app'], config: {}, devices: { eth0: { type: 'nic', network: 'br0' } } })).to.deep.equal([
      'lxc profile assign misp-a1 app,extra --project misp',
      'lxc config set misp-a1 limits.memory 2GiB --project misp',
      'lxc config device remove misp-a1 eth0 --project misp',
      'lxc config device add misp-a1 eth0 nic network=br1 --project misp',
      'lxc start misp-a1 --project misp',
    ]);
  });

  it('refuses to create without an image', () => {
    expect(() => planContainer({ ...base, image: undefined }, undefined)).to.throw(/no 'image'/);
  });

  it('reads the global IPv4 of eth0 from the instance state', () => {
    expect(ipv4Of({ status: 'Running', network: { eth0: { addresses: [
      { family: 'inet6', address: 'fe80::1', scope: 'link' }, { family: 'inet', address: '10.99.0.12', scope: 'global' }] } } })).to.equal('10.99.0.12');
    expect(ipv4Of({ status: 'Running', network: { eth0: { addresses: [] } } })).to.equal(undefined);
  });
});

describe('lxd_snapshot commands', () => {
  it('creates, deletes and restores, idempotently', () => {
    expect(planSnapshot('db', 'rev-2', 'present', [], 'misp')).to.deep.equal(['lxc snapshot db rev-2 --project misp']);
    expect(planSnapshot('db', 'rev-2', 'present', ['rev-2'], 'misp')).to.deep.equal([]);
    // a stale rollback point is taken again, so that it holds the rows written since it was first taken
    expect(planSnapshot('db', 'rev-2', 'present', ['rev-2'], 'misp', true))
      .to.deep.equal(['lxc delete db/rev-2 --project misp', 'lxc snapshot db rev-2 --project misp']);
    expect(planSnapshot('db', 'rev-2', 'present', [], 'misp', true)).to.deep.equal(['lxc snapshot db rev-2 --project misp']);
    expect(planSnapshot('db', 'rev-2', 'absent', ['rev-2'], 'misp')).to.deep.equal(['lxc delete db/rev-2 --project misp']);
    expect(planSnapshot('db', 'rev-2', 'restored', ['rev-2'], 'misp')).to.deep.equal(['lxc restore db rev-2 --project misp']);
    expect(() => planSnapshot('db', 'rev-9', 'restored', ['rev-2'], 'misp')).to.throw(/has no snapshot 'rev-9' \(it has: rev-2\)/);
  });
});

describe('lxd_profile commands', () => {
  const wanted = { description: 'app', config: {}, devices: { root: { type: 'disk', path: '/', pool: 'app' } } };
  it('creates then sets the whole profile with one edit', () => {
    const plan = planProfile('app', 'misp', 'present', wanted, undefined);
    expect(plan.commands.map((c) => c.command)).to.deep.equal(['lxc profile create app --project misp', 'lxc profile edit app --project misp']);
    expect(plan.commands[1]?.stdin).to.contain('pool: app');
  });
  it('is unchanged when equal, and deletes when absent', () => {
    expect(planProfile('app', 'misp', 'present', wanted, { description: 'app', config: {}, devices: { root: { pool: 'app', path: '/', type: 'disk' } } }).changed).to.equal(false);
    expect(planProfile('app', 'misp', 'absent', wanted, { description: 'app' }).commands.map((c) => c.command)).to.deep.equal(['lxc profile delete app --project misp']);
  });
});

describe('lxd_project / lxd_storage / lxd_network commands', () => {
  it('creates a project with its config', () => {
    expect(planConfigObject(projectKind, 'misp', 'present', { 'features.images': 'true' }, undefined).commands)
      .to.deep.equal(['lxc project create misp -c features.images=true']);
  });
  it('sets only drifted keys, and never touches keys LXD added itself', () => {
    expect(planConfigObject(networkKind, 'mispbr0', 'present', { 'ipv4.nat': 'false', 'ipv4.address': '10.99.0.1/24' },
      { config: { 'ipv4.nat': 'true', 'ipv4.address': '10.99.0.1/24', 'ipv6.address': 'none' } }).commands)
      .to.deep.equal(['lxc network set mispbr0 ipv4.nat false']);
  });
  it('creates a dir pool by default and refuses to change its source in place', () => {
    expect(planConfigObject(storageKind, 'app', 'present', {}, undefined, {}).commands).to.deep.equal(['lxc storage create app dir']);
    expect(() => planConfigObject(storageKind, 'app', 'present', { source: '/b' }, { config: { source: '/a' } })).to.throw(/cannot change in place/);
  });
});

describe('lxd_exec / lxd_file commands', () => {
  it('quotes every argument of lxc exec', () => {
    expect(lxdExecCommand({ container: 'db', project: 'misp', argv: ['mariadb', '-e', "SELECT 'x'; $(id)"], env: { A: 'b c' }, cwd: '/tmp', user: undefined }))
      .to.equal(`lxc exec db --project misp --cwd /tmp --env 'A=b c' -- mariadb -e 'SELECT '"'"'x'"'"'; $(id)'`);
  });
  it('writes pushed content through stdin with a private umask, then mode, owner and an atomic rename', () => {
    expect(containerWriteCommand('misp', undefined, '/var/www/MISP/app/Config/database.php', { mode: '0640', uid: 33, gid: 33 }))
      .to.equal(`lxc exec misp -- sh -c 'umask 077 && cat > "$1.airlock-tmp" && chmod "$2" "$1.airlock-tmp" && chown "$3:$4" "$1.airlock-tmp" && mv -f "$1.airlock-tmp" "$1"' sh /var/www/MISP/app/Config/database.php 0640 33 33`);
  });
  it('copies between containers through one tar stream', () => {
    expect(containerCopyCommand('misp-old', 'misp-new', 'misp', '/var/www/MISP/app/files', '/var/www/MISP/app/files')).to.equal(pipeline(
      'lxc exec misp-old --project misp -- tar -C /var/www/MISP/app -cf - files',
      'lxc exec misp-new --project misp -- sh -c \'mkdir -p "$1" && tar -C "$1" -xpf -\' sh /var/www/MISP/app'));
  });
});
