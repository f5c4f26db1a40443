import { expect } from 'chai';
import type { Connection, ExecResult } from '../../../src/connection/types.js';
import { formatStatusTable, stackStatusOf } from '../../../src/stack/status.js';
import { readOperationCommand } from '../../../src/stack/operation-commands.js';
import { operationPath, type StackOperation } from '../../../src/stack/operation.js';

const READ_OPERATION = readOperationCommand(operationPath('misp'));
const NO_OPERATION = { stdout: '1764671000\nabsent\n' };

/** Answers the three commands `airlock status` sends, from canned outputs. */
function fakeHost(answers: Record<string, Partial<ExecResult>>): Connection {
  const reject = (): Promise<never> => Promise.reject(new Error('not used'));
  const all: Record<string, Partial<ExecResult>> = { [READ_OPERATION]: NO_OPERATION, ...answers };
  return {
    host: 'h1',
    user: 'root',
    exec: async (command: string) => ({ rc: 0, stdout: '', stderr: '', durationMs: 1, ...(all[command] ?? { rc: 127, stderr: `unexpected: ${command}` }) }),
    putFile: reject, execWithFile: reject, putContent: reject, getFile: reject, stat: reject, lstat: reject, readSmallFile: reject, installFile: reject, close: async () => undefined,
  };
}

const record = {
  project: 'misp', live: 2, misp_ip: '10.99.0.14',
  revisions: [
    { id: 1, status: 'retired', bundle: { name: 'misp', version: 'v1' }, containers: { misp: 'misp-r1', db: 'mysql-r1' }, roles: ['db', 'misp'], versions: { misp: 'v2.5.1' }, snapshot: 'airlock-r1' },
    { id: 2, status: 'live', bundle: { name: 'misp', version: 'v2' }, containers: { misp: 'misp-r2', db: 'mysql-r2' }, roles: ['db', 'misp'], versions: { misp: 'v2.5.2', mysql: '10.11.2-lab' }, snapshot: '' },
  ],
};
const READ_RECORD = 'cat /var/lib/airlock/stacks/misp.json';
const LIST = 'lxc list --project misp --format json';
const bothRunning = JSON.stringify([{ name: 'misp-r2', status: 'Running' }, { name: 'mysql-r2', status: 'Running' }, { name: 'misp-r1', status: 'Stopped' }]);

const interruptedUpdate: StackOperation = {
  format: 1, operation: 'update', project: 'misp', from: 2, to: 3, bundle: 'v3',
  holder: { run_id: '20261202T101500Z-abc', controller: 'workstation-7', user: 'ops', pid: 4242 },
  started_at: new Date((1764671000 - 360) * 1000).toISOString(), phase: 'data carried',
  phases: [{ phase: 'started', at: '2026-12-02T10:15:00Z' }, { phase: 'data carried', at: '2026-12-02T10:18:00Z' }], lease_seconds: 300,
};

describe('airlock status', () => {
  it('reports the live revision, its versions, running containers and the MISP address', async () => {
    const conn = fakeHost({
      [READ_RECORD]: { stdout: JSON.stringify(record) },
      [LIST]: { stdout: JSON.stringify([{ name: 'misp-r2', status: 'Running' }, { name: 'mysql-r2', status: 'Stopped' }, { name: 'misp-r1', status: 'Stopped' }]) },
    });
    const status = await stackStatusOf('h1', conn, 'misp');
    expect(status).to.include({ state: 'degraded', revision: 2, bundleVersion: 'v2', mispIp: '10.99.0.14' });
    expect(status.containers).to.deep.equal([{ name: 'mysql-r2', running: false }, { name: 'misp-r2', running: true }]);
    const table = formatStatusTable([status, { host: 'h2', state: 'no-stack' }]);
    expect(table).to.match(/^HOST\s+REVISION\s+BUNDLE/);
    expect(table).to.match(/h1\s+r2\s+v2\s+misp v2\.5\.2, mysql 10\.11\.2-lab\s+1\/2\s+https:\/\/10\.99\.0\.14/);
    expect(table).to.match(/h2\s+-\s+-\s+no MISP stack/);
  });

  it('is ok only when every container of the live revision runs and nothing else is open', async () => {
    const status = await stackStatusOf('h1', fakeHost({ [READ_RECORD]: { stdout: JSON.stringify(record) }, [LIST]: { stdout: bothRunning } }), 'misp');
    expect(status.state).to.equal('ok');
    expect(status.stray).to.deep.equal([]);
  });

  it('names an interrupted update, its phase, run and controller, and the command that restores service', async () => {
    const conn = fakeHost({
      [READ_OPERATION]: { stdout: `1764671000\n${1764671000 - 400}\n${JSON.stringify(interruptedUpdate)}\n` },
      [READ_RECORD]: { stdout: JSON.stringify(record) },
      [LIST]: { stdout: JSON.stringify([...JSON.parse(bothRunning) as object[], { name: 'misp-r3', status: 'Running' }, { name: 'mysql-r3', status: 'Stopped' }]) },
    });
    const status = await stackStatusOf('h1', conn, 'misp');
    expect(status.state).to.equal('degraded');
    expect(status.operation).to.include({ operation: 'update', from: 2, to: 3, phase: 'data carried', lease_held: false, lease_age_seconds: 400 });
    expect(status.stray).to.deep.equal(['misp-r3', 'mysql-r3']);
    const table = formatStatusTable([status]);
    expect(table).to.contain('h1: INTERRUPTED update r2 -> r3 at "data carried", run 20261202T101500Z-abc from workstation-7 (ops), started 6 min ago; restore service: airlock rollback h1');
    expect(table).to.contain('h1: containers of no recorded revision: misp-r3, mysql-r3');
  });

  it('shows an operation whose lease is still renewed as in progress', async () => {
    const conn = fakeHost({
      [READ_OPERATION]: { stdout: `1764671000\n${1764671000 - 5}\n${JSON.stringify({ ...interruptedUpdate, holder: { ...interruptedUpdate.holder, controller: 'elsewhere' } })}\n` },
      [READ_RECORD]: { stdout: JSON.stringify(record) },
      [LIST]: { stdout: bothRunning },
    });
    const status = await stackStatusOf('h1', conn, 'misp');
    expect(status.state).to.equal('degraded');
    expect(status.operation?.summary).to.match(/^IN PROGRESS update r2 -> r3/);
  });

  it('reports a half-built first install (no record, stack containers left) as degraded, not as "no stack"', async () => {
    const status = await stackStatusOf('h1', fakeHost({
      [READ_RECORD]: { rc: 1, stderr: 'cat: x: No such file or directory' },
      [LIST]: { stdout: JSON.stringify([{ name: 'mysql-r1', status: 'Running' }, { name: 'mine', status: 'Running' }]) },
    }), 'misp');
    expect(status).to.deep.include({ state: 'degraded', stray: ['mysql-r1'] });
  });

  it('tells a host without a stack from a broken record, and refuses a hostile operation record', async () => {
    expect((await stackStatusOf('h1', fakeHost({ [READ_RECORD]: { rc: 1, stderr: 'cat: x: No such file or directory' }, [LIST]: { stdout: '[]' } }), 'misp')).state).to.equal('no-stack');
    const broken = await stackStatusOf('h1', fakeHost({ [READ_RECORD]: { stdout: '{"live": "x"}' } }), 'misp');
    expect(broken.state).to.equal('error');
    expect(broken.message).to.contain("lacks 'live'");
    const hostile = await stackStatusOf('h1', fakeHost({ [READ_OPERATION]: { stdout: `1764671000\n1764670000\n${JSON.stringify({ ...interruptedUpdate, holder: { ...interruptedUpdate.holder, controller: '$(reboot)' } })}\n` } }), 'misp');
    expect(hostile).to.include({ state: 'error' });
    expect(hostile.message).to.equal("h1:/var/lib/airlock/stacks/misp.operation.json: the operation record has no valid 'holder'");
  });
});
