// The pool hands out the local connection for localhost (as Ansible does) without any SSH, and reuses it.
import { expect } from 'chai';
import { ConnectionPool } from '../../../src/connection/pool.js';
import { LocalConnection } from '../../../src/connection/local.js';
import { InputError } from '../../../src/util/errors.js';

describe('connection pool without network', () => {
  it('gives localhost a local connection, one per host, reused', async () => {
    const pool = new ConnectionPool();
    try {
      const [a, b] = await Promise.all([pool.get('localhost', {}), pool.get('localhost', {})]);
      expect(a).to.be.instanceOf(LocalConnection);
      expect(a).to.equal(b);
      expect((await a.exec('printf ok')).stdout).to.equal('ok');
      const ctl = await pool.get('controller', { ansible_connection: 'local' });
      expect(ctl).to.be.instanceOf(LocalConnection);
      expect(ctl.host).to.equal('controller');
    } finally {
      await pool.closeAll();
    }
  });

  it('rejects bad connection variables as InputError before touching the network', async () => {
    const pool = new ConnectionPool();
    try {
      await pool.get('web1', { ansible_port: 'twenty-two' });
      expect.fail('accepted a bad port');
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      expect((error as Error).message).to.contain('web1');
    }
  });
});
