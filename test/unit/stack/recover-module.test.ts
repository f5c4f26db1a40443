// stack_recover's exact conversation with LXD: one listing of every instance, the snapshots of the live revision's
// containers only, the images, then the recovery's commands in order.
import { expect } from 'chai';
import { stackRecoverModule } from '../../../src/modules/stack_recover.js';
import type { StackRecord } from '../../../src/stack/record.js';
import { FakeConnection, fakeContext } from '../modules/fake-connection.js';

const record: StackRecord = {
  project: 'misp', live: 2, misp_ip: '10.0.0.2',
  revisions: [{ id: 2, status: 'live', bundle: { name: 'm', version: 'v2' }, containers: { misp: 'misp-r2' }, roles: ['misp'], versions: {}, snapshot: '' }],
};

describe('stack_recover on a host an update left half way', () => {
  it('asks for the live containers\' snapshots only, then removes the half-built revision, its rollback point and its images', async () => {
    const instances = [
      { name: 'misp-r2', status: 'Stopped', project: 'misp', config: { 'volatile.base_image': 'f2' } },
      { name: 'misp-r3', status: 'Running', project: 'misp', config: { 'volatile.base_image': 'f3' } },
      { name: 'tools', status: 'Running', project: 'default', config: { 'volatile.base_image': 'f-tools' } },
    ];
    const conn = new FakeConnection([
      { command: "lxc query '/1.0/instances?recursion=1&all-projects=true'", result: { stdout: JSON.stringify(instances) } },
      { command: "lxc query '/1.0/instances/misp-r2/snapshots?recursion=1&project=misp'", result: { stdout: '[{"name":"airlock-r2"}]' } },
      { command: "lxc query '/1.0/images?recursion=1'", result: { stdout: JSON.stringify([{ fingerprint: 'f3', aliases: [{ name: 'm-v3-misp' }] }, { fingerprint: 'f2', aliases: [{ name: 'm-v2-misp' }] }]) } },
      { command: 'lxc delete misp-r3 --force --project misp' },
      { command: 'lxc delete misp-r2/airlock-r2 --project misp' },
      { command: 'lxc image delete f3' },
    ]);
    const result = await stackRecoverModule.run({ project: 'misp', record, abandoned_bundle: 'v3' }, fakeContext(conn));
    expect(result.failed, result.msg).to.not.equal(true);
    expect(result.changed).to.equal(true);
    expect(conn.execs).to.have.length(6);
  });
});
