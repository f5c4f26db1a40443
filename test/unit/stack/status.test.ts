import { expect } from 'chai';
import type { Connection, ExecResult } from '../../../src/connection/types.js';
import { formatStatusTable, stackStatusOf } from '../../../src/stack/status.js';

/** Answers the two commands `airlock status` sends, from canned outputs. */
function fakeHost(answers: Record<string, Partial<ExecResult>>): Connection {
  const reject = (): Promise<never> => Promise.reject(new Error('not used'));
  return {
    host: 'h1',
    user: 'root',
    exec: async (command: string) => ({ rc: 0, stdout: '', stderr: '', durationMs: 1, ...(answers[command] ?? { rc: 127, stderr: `unexpected: ${command}` }) }),
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

describe('airlock status', () => {
  it('reports the live revision, its versions, running containers and the MISP address', async () => {
    const conn = fakeHost({
      'cat /var/lib/airlock/stacks/misp.json': { stdout: JSON.stringify(record) },
      'lxc list --project misp --format json': { stdout: JSON.stringify([{ name: 'misp-r2', status: 'Running' }, { name: 'mysql-r2', status: 'Stopped' }, { name: 'misp-r1', status: 'Stopped' }]) },
    });
    const status = await stackStatusOf('h1', conn, 'misp');
    expect(status).to.include({ state: 'ok', revision: 2, bundleVersion: 'v2', mispIp: '10.99.0.14' });
    expect(status.containers).to.deep.equal([{ name: 'mysql-r2', running: false }, { name: 'misp-r2', running: true }]);
    const table = formatStatusTable([status, { host: 'h2', state: 'no-stack' }]);
    expect(table).to.match(/^HOST\s+REVISION\s+BUNDLE/);
    expect(table).to.match(/h1\s+r2\s+v2\s+misp v2\.5\.2, mysql 10\.11\.2-lab\s+1\/2\s+https:\/\/10\.99\.0\.14/);
    expect(table).to.match(/h2\s+-\s+-\s+no MISP stack/);
  });

  it('tells a host without a stack from a broken record', async () => {
    expect((await stackStatusOf('h1', fakeHost({ 'cat /var/lib/airlock/stacks/misp.json': { rc: 1, stderr: 'cat: x: No such file or directory' } }), 'misp')).state).to.equal('no-stack');
    const broken = await stackStatusOf('h1', fakeHost({ 'cat /var/lib/airlock/stacks/misp.json': { stdout: '{"live": "x"}' } }), 'misp');
    expect(broken.state).to.equal('error');
    expect(broken.message).to.contain("lacks 'live'");
  });
});
