// Many hosts at once: every host answers with its own name, reused connections are fast, and one dead host is
// reported unreachable quickly without holding up the others.
import { expect } from 'chai';
import { UnreachableError } from '../../../src/connection/errors.js';
import type { ConnectionPool } from '../../../src/connection/pool.js';
import { labContext, type LabContext } from './lab-context.js';

describe('connection: a fleet of 50 lab hosts', function () {
  this.timeout(180_000);
  let ctx: LabContext;
  let pool: ConnectionPool;
  before(async () => {
    ctx = await labContext();
    pool = ctx.pool();
  });
  after(() => pool.closeAll());

  async function hostnames(): Promise<Map<string, string>> {
    const results = await Promise.all(
      ctx.lab.hosts.map(async (host) => {
        const connection = await pool.get(host.name, ctx.vars(host.name));
        const result = await connection.exec('hostname');
        expect(result.rc, `${host.name}: ${result.stderr}`).to.equal(0);
        return [host.name, result.stdout.trim()] as const;
      }),
    );
    return new Map(results);
  }

  it('connects to every host in parallel and each answers its own hostname; the second round reuses connections', async () => {
    expect(ctx.lab.hosts.length).to.be.at.least(50);
    let started = Date.now();
    const first = await hostnames();
    const firstMs = Date.now() - started;
    started = Date.now();
    const second = await hostnames();
    const secondMs = Date.now() - started;
    for (const host of ctx.lab.hosts) expect(first.get(host.name), host.name).to.equal(host.name);
    expect(second).to.deep.equal(first);
    console.log(`      ${ctx.lab.hosts.length} hosts: connect + hostname ${firstMs} ms, again on open connections ${secondMs} ms`);
    // Reuse means no new handshakes: the second round must be clearly cheaper than the first.
    expect(secondMs).to.be.lessThan(firstMs);
  });

  it('shares one connection attempt between concurrent get() calls for a host', async () => {
    const host = ctx.lab.hosts[5]?.name as string;
    const fresh = ctx.pool();
    try {
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => fresh.get(host, ctx.vars(host))));
      expect(a).to.equal(b);
      expect(b).to.equal(c);
    } finally {
      await fresh.closeAll();
    }
  });

  it('reports a host with nothing listening as unreachable, quickly, while the others succeed', async () => {
    const fresh = ctx.pool({ connectTimeoutMs: 5000 });
    const dead = ctx.lab.hosts[1]?.name as string;
    const started = Date.now();
    try {
      const outcomes = await Promise.allSettled(
        ctx.lab.hosts.slice(0, 10).map(async (host) => {
          // port 2 of a real lab host: the namespace answers, no sshd listens there
          const vars = host.name === dead ? { ...ctx.vars(host.name), ansible_port: 2 } : ctx.vars(host.name);
          return (await fresh.get(host.name, vars)).exec('hostname');
        }),
      );
      const failed = outcomes.filter((o) => o.status === 'rejected');
      expect(failed.length).to.equal(1);
      const reason = (failed[0] as PromiseRejectedResult).reason as unknown;
      expect(reason).to.be.instanceOf(UnreachableError);
      expect((reason as UnreachableError).host).to.equal(dead);
      expect((reason as Error).message).to.match(/connection refused/);
      expect(outcomes.filter((o) => o.status === 'fulfilled').length).to.equal(9);
      expect(Date.now() - started).to.be.lessThan(15_000);
    } finally {
      await fresh.closeAll();
    }
  });
});
