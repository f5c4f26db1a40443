import { expect } from 'chai';
import { describeOperation, leaseHeld, parseOperation, type StackOperation } from '../../../src/stack/operation.js';
import { contentHash, heartbeatCommand, parseOperationRead, readOperationCommand, removeOperationCommand, writeOperationCommand } from '../../../src/stack/operation-commands.js';
import { planRecovery, strayContainers } from '../../../src/stack/recovery.js';
import { recoveryCommands } from '../../../src/modules/stack_recover.js';
import type { StackRecord } from '../../../src/stack/record.js';

const op: StackOperation = {
  format: 1, operation: 'update', project: 'misp', from: 2, to: 3, bundle: 'v3',
  holder: { run_id: 'run-1', controller: 'ws', user: 'ops', pid: 77 },
  started_at: '2026-12-02T10:00:00.000Z', phase: 'launched', phases: [{ phase: 'started', at: '2026-12-02T10:00:00.000Z' }], lease_seconds: 300,
};

describe('operation record (stack/operation.ts)', () => {
  it('round-trips and refuses every field out of shape, naming the file', () => {
    expect(parseOperation(JSON.stringify(op), 'h:/x')).to.deep.equal(op);
    for (const [field, value] of [['format', 2], ['operation', 'format-disk'], ['phase', 'nearly'], ['to', 0], ['from', -1], ['lease_seconds', 0], ['started_at', 'soon']] as const) {
      expect(() => parseOperation(JSON.stringify({ ...op, [field]: value }), 'h:/x'), field).to.throw(/^h:\/x: the operation record /);
    }
    expect(() => parseOperation('{', 'h:/x')).to.throw('h:/x: the operation record is not JSON');
    expect(() => parseOperation(JSON.stringify({ ...op, holder: { ...op.holder, run_id: 'a b;rm' } }), 'h:/x')).to.throw("has no valid 'holder'");
  });

  it('holds the lease while renewed and its holder lives; frees it on expiry or when the holder died on this controller', () => {
    const here = (alive: boolean) => ({ controller: 'ws', alive: () => alive });
    expect(leaseHeld(op, 10, here(true))).to.equal(true);
    expect(leaseHeld(op, 300, here(true))).to.equal(false);
    expect(leaseHeld(op, 10, here(false))).to.equal(false);
    expect(leaseHeld(op, 10, { controller: 'other', alive: () => false }), 'a pid means nothing on another controller').to.equal(true);
  });

  it('describes itself as an operator reads it', () => {
    expect(describeOperation(op, false, Date.parse('2026-12-02T10:06:00Z'))).to.equal('INTERRUPTED update r2 -> r3 at "launched", run run-1 from ws (ops), started 6 min ago');
    expect(describeOperation({ ...op, operation: 'install', from: null, to: 1 }, true, Date.parse('2026-12-02T10:00:30Z'))).to.equal('IN PROGRESS install nothing -> r1 at "launched", run run-1 from ws (ops), started 30 s ago');
  });
});

describe('operation record commands (stack/operation-commands.ts)', () => {
  const path = '/var/lib/airlock/stacks/misp.operation.json';
  it('reads clock, age and record in one command', () => {
    expect(readOperationCommand(path)).to.equal(`date +%s; if [ -e ${path} ]; then stat -c %Y ${path} && cat ${path}; else echo absent; fi`);
    expect(parseOperationRead('100\nabsent\n', 'h')).to.deep.equal({ nowS: 100 });
    expect(parseOperationRead('100\n90\n{"a":1}\n', 'h')).to.deep.equal({ nowS: 100, record: { text: '{"a":1}\n', mtimeS: 90, hash: contentHash('{"a":1}\n') } });
    expect(() => parseOperationRead('soon\n', 'h')).to.throw("h: could not read the host's clock");
  });

  it('writes atomically (temp, fsync, rename, fsync dir) and only over the record it read, under a lock', () => {
    expect(writeOperationCommand(path, 'absent')).to.equal(
      'set -e; umask 077; mkdir -p /var/lib/airlock/stacks; exec 9>/var/lib/airlock/stacks/.misp.operation.json.lock; flock -w 30 9; cur=absent; '
      + `if [ -e ${path} ]; then cur=$(sha256sum ${path} | cut -c1-64); fi; `
      + 'if [ "$cur" != absent ]; then echo "the operation record changed since it was read" >&2; exit 75; fi; '
      + `cat > ${path}.tmp; sync ${path}.tmp; mv -f ${path}.tmp ${path}; sync /var/lib/airlock/stacks`);
    expect(removeOperationCommand(path, 'abc')).to.match(/"\$cur" != abc .* rm -f \/var\/lib\/airlock\/stacks\/misp\.operation\.json; sync \/var\/lib\/airlock\/stacks$/);
    expect(heartbeatCommand(path, 'run-1')).to.equal(`grep -qF '"run_id":"run-1"' ${path} && touch -c ${path}`);
  });
});

describe('recovery plan (stack/recovery.ts)', () => {
  const record: StackRecord = {
    project: 'misp', live: 2, misp_ip: '10.0.0.2',
    revisions: [
      { id: 1, status: 'retired', bundle: { name: 'm', version: 'v1' }, containers: { misp: 'misp-r1', db: 'mysql-r1' }, roles: ['db', 'misp'], versions: {}, snapshot: 'airlock-r1' },
      { id: 2, status: 'live', bundle: { name: 'm', version: 'v2' }, containers: { misp: 'misp-r2', db: 'mysql-r2' }, roles: ['db', 'misp'], versions: {}, snapshot: '' },
    ],
  };
  it('removes the half-built revision, stops other recorded ones, and never touches containers that are not the stack\'s', () => {
    const instances = [
      { name: 'misp-r1', status: 'Running' }, { name: 'mysql-r1', status: 'Stopped' },
      { name: 'misp-r2', status: 'Stopped' }, { name: 'mysql-r2', status: 'Running' },
      { name: 'misp-r3', status: 'Running' }, { name: 'valkey-r3', status: 'Stopped' }, { name: 'operator-tools', status: 'Running' },
    ];
    expect(planRecovery(record, instances)).to.deep.equal({ remove: ['misp-r3', 'valkey-r3'], stop: ['misp-r1'], snapshots: [], images: [] });
    expect(strayContainers(undefined, instances)).to.deep.equal(['misp-r1', 'misp-r2', 'misp-r3', 'mysql-r1', 'mysql-r2', 'valkey-r3']);
    expect(planRecovery(record, instances.slice(0, 4))).to.deep.equal({ remove: [], stop: ['misp-r1'], snapshots: [], images: [] });
  });

  it('removes the rollback point the operation took of the live revision, and only that snapshot', () => {
    const instances = [
      { name: 'misp-r2', status: 'Stopped', snapshots: ['airlock-r2', 'before-upgrade'] }, { name: 'mysql-r2', status: 'Stopped', snapshots: [] },
      { name: 'misp-r1', status: 'Stopped', snapshots: ['airlock-r1'] }, { name: 'mysql-r1', status: 'Stopped', snapshots: ['airlock-r1'] },
    ];
    expect(planRecovery(record, instances).snapshots).to.deep.equal(['misp-r2/airlock-r2']);
    // a revision rolled back to keeps the snapshot its record names (the update that replaces it takes it afresh)
    const rolledBackTo = { ...record, revisions: record.revisions.map((r) => (r.id === 2 ? { ...r, snapshot: 'airlock-r2' } : r)) };
    expect(planRecovery(rolledBackTo, instances).snapshots).to.deep.equal([]);
  });

  it('removes the abandoned bundle\'s images that nothing uses, never an image a kept container or a recorded bundle uses', () => {
    const instances = [
      { name: 'misp-r2', status: 'Stopped', baseImage: 'f-misp-v2' }, { name: 'mysql-r2', status: 'Stopped', baseImage: 'f-db-shared' },
      { name: 'misp-r3', status: 'Running', baseImage: 'f-misp-v3' }, { name: 'mysql-r3', status: 'Running', baseImage: 'f-db-shared' },
    ];
    const images = [
      { fingerprint: 'f-misp-v3', aliases: ['m-v3-misp'] },
      // the same MariaDB image in both bundles: the live revision still uses it
      { fingerprint: 'f-db-shared', aliases: ['m-v2-mysql', 'm-v3-mysql'] },
      { fingerprint: 'f-misp-v2', aliases: ['m-v2-misp'] },
      // an operator's own image, no alias of the bundle's form
      { fingerprint: 'f-tools', aliases: ['tools-v3'] },
      { fingerprint: 'f-bare', aliases: [] },
    ];
    expect(planRecovery(record, instances, images, { bundleVersion: 'v3' })).to.deep.include({ remove: ['misp-r3', 'mysql-r3'], images: ['f-misp-v3'] });
    // a version some recorded revision runs is never abandoned, nor is anything when the operation brought no bundle
    expect(planRecovery(record, instances, images, { bundleVersion: 'v2' }).images).to.deep.equal([]);
    expect(planRecovery(record, instances, images, { bundleVersion: '' }).images).to.deep.equal([]);
  });

  it('sends stops first, then deletes of containers, of the rollback point, and of images once nothing uses them', () => {
    expect(recoveryCommands({ stop: ['misp-r1'], remove: ['misp-r3'], snapshots: ['misp-r2/airlock-r2'], images: ['f3'] }, 'misp', 120)).to.deep.equal([
      'lxc stop misp-r1 --timeout 120 --project misp',
      'lxc delete misp-r3 --force --project misp',
      'lxc delete misp-r2/airlock-r2 --project misp',
      'lxc image delete f3',
    ]);
  });
});
