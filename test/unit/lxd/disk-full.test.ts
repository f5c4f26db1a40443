// A step that fails for lack of space names the storage pool to make room in (issue 16): the exact queries sent after
// lxc answered ENOSPC, and the sentence the operator reads.
import { expect } from 'chai';
import { describePools, saysOutOfSpace } from '../../../src/modules/lib/lxd-disk-full.js';
import { lxdSnapshotModule } from '../../../src/modules/lxd_snapshot.js';
import { FakeConnection, fakeContext } from '../modules/fake-connection.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('out of space on an LXD host (modules/lib/lxd-disk-full.ts)', () => {
  it('recognises ENOSPC as lxc, rsync and MariaDB word it, and nothing else', () => {
    for (const text of ['Error: Create instance snapshot: rsync: write failed: No space left on device (28)', 'ERROR 3 (HY000): Error writing file (Errcode: 28 "No space left on device")', 'mysqldump: Disk full']) {
      expect(saysOutOfSpace(text), text).to.equal(true);
    }
    expect(saysOutOfSpace('Error: The instance is already stopped')).to.equal(false);
  });

  it('names the fullest pool first, with what each pool has free now', () => {
    expect(describePools([
      { name: 'misp-db', driver: 'dir', used: 180 * GiB, total: 252 * GiB },
      { name: 'misp-app', driver: 'dir', used: 7.6 * GiB, total: 7.8 * GiB },
    ])).to.equal("the host is out of space: storage pool 'misp-app' is the fullest; pools now: misp-app (dir): 205 MiB free of 7.8 GiB, 97% used; "
      + 'misp-db (dir): 72 GiB free of 252 GiB, 71% used');
    expect(describePools([])).to.match(/no storage pool: check the disk holding \/var\/lib\/lxd/);
  });

  it('a snapshot that runs out of space fails naming the pool, after reading every pool\'s space', async () => {
    const enospc = 'Error: Create instance snapshot: Failed to run: rsync: write failed on "/var/lib/lxd/storage-pools/misp-app/containers-snapshots/misp-r2/airlock-r2/rootfs/usr/lib/x": No space left on device (28)';
    const conn = new FakeConnection([
      { command: "lxc query '/1.0/instances/misp-r2/snapshots?recursion=1&project=misp'", result: { stdout: '[]' } },
      { command: "lxc query '/1.0/instances/misp-r2/state?project=misp'", result: { stdout: '{"status":"Stopped"}' } },
      { command: 'lxc snapshot misp-r2 airlock-r2 --project misp', result: { rc: 1, stderr: enospc } },
      { command: "lxc query '/1.0/storage-pools?recursion=1'", result: { stdout: '[{"name":"misp-app","driver":"dir"},{"name":"misp-db","driver":"dir"}]' } },
      { command: 'lxc query /1.0/storage-pools/misp-app/resources', result: { stdout: JSON.stringify({ space: { used: 1000 * MiB, total: 1024 * MiB } }) } },
      { command: 'lxc query /1.0/storage-pools/misp-db/resources', result: { stdout: JSON.stringify({ space: { used: 10 * GiB, total: 100 * GiB } }) } },
    ]);
    const result = await lxdSnapshotModule.run({ container: 'misp-r2', project: 'misp', name: 'airlock-r2', replace: true }, fakeContext(conn));
    expect(result.failed).to.equal(true);
    expect(result.msg).to.contain('No space left on device');
    expect(result.msg).to.contain("storage pool 'misp-app' is the fullest; pools now: misp-app (dir): 24 MiB free of 1.0 GiB, 98% used");
    expect(conn.execs.map((e) => e.command)).to.have.length(6);
  });
});
