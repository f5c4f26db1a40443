// Jump hosts: the lab's behind-jump host is reachable only through the first lab host.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostKeyError, UnreachableError } from '../../../src/connection/errors.js';
import { labContext, type LabContext } from './lab-context.js';
import { rejectionOf } from '../../support/rejection.js';

describe('connection: jump hosts', function () {
  this.timeout(120_000);
  let ctx: LabContext;
  let behind: string;
  let jump: { name: string; ip: string };
  before(async () => {
    ctx = await labContext();
    behind = ctx.lab.behindJumpHost.name;
    jump = ctx.lab.jumpHost;
  });

  it('reaches the behind-jump host through airlock_jump, as the lab inventory says', async () => {
    const pool = ctx.pool();
    try {
      const result = await (await pool.get(behind, ctx.vars(behind))).exec('hostname');
      expect(result.stdout.trim()).to.equal(behind);
    } finally {
      await pool.closeAll();
    }
  });

  it('reaches it through ansible_ssh_common_args ProxyJump alone, and cannot reach it directly', async () => {
    const { airlock_jump: _jump, ...vars } = ctx.vars(behind);
    expect(String(vars['ansible_ssh_common_args'])).to.contain('ProxyJump=');
    const pool = ctx.pool({ connectTimeoutMs: 3000 });
    try {
      const result = await (await pool.get(behind, vars)).exec('hostname');
      expect(result.stdout.trim()).to.equal(behind);
      const { ansible_ssh_common_args: _args, ...direct } = vars;
      const error = await rejectionOf(pool.get(`${behind}-direct`, direct), UnreachableError);
      expect(error.hop).to.equal(undefined);
    } finally {
      await pool.closeAll();
    }
  });

  it('goes through a two-hop chain (jump -> jump -> target) and reuses the jump for several targets', async () => {
    const chain = ['conn-h001', `root@${jump.ip}`];
    const pool = ctx.pool();
    try {
      const viaChain = await (await pool.get(behind, { ...ctx.vars(behind), airlock_jump: chain })).exec('hostname');
      expect(viaChain.stdout.trim()).to.equal(behind);
      // three hosts behind the same bastion: the jump host sees one airlock SSH session carrying the others' tunnels
      const targets = ctx.lab.hosts.slice(1, 4);
      const names = await Promise.all(targets.map(async (t) => (await (await pool.get(t.name, { ...ctx.vars(t.name), airlock_jump: [jump.name] })).exec('hostname')).stdout.trim()));
      expect(names).to.deep.equal(targets.map((t) => t.name));
      // Count SSH connections the jump host has from the controller (ss in its own network namespace): the bastion
      // hop shared by the chain and the three targets, plus this direct connection. Tunnelled hops come from itself.
      const established = await (await pool.get(jump.name, ctx.vars(jump.name))).exec("ss -Htn state established '( sport = :22 )'");
      const peers = established.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).pop() ?? '');
      expect(peers.filter((peer) => !peer.startsWith(`${jump.ip}:`)).length, established.stdout).to.equal(2);
    } finally {
      await pool.closeAll();
    }
  });

  it('names the failing hop: a jump that refuses forwarding to a closed port', async () => {
    const pool = ctx.pool({ connectTimeoutMs: 5000 });
    try {
      const error = await rejectionOf(pool.get(behind, { ...ctx.vars(behind), airlock_jump: [jump.name, `root@${ctx.lab.behindJumpHost.ip}:2`] }), UnreachableError);
      expect(error.message).to.match(new RegExp(`^${jump.name} -> ${ctx.lab.behindJumpHost.ip}: connection refused`));
      expect(error.hop).to.equal(`${jump.name} -> ${ctx.lab.behindJumpHost.ip}`);
      expect(error.host).to.equal(behind);
    } finally {
      await pool.closeAll();
    }
  });

  it('checks the jump host key too: an unknown bastion key is refused, naming the hop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-jumpkeys-'));
    const pool = ctx.pool();
    try {
      // the target's key is known, the bastion's is not
      const behindLine = readFileSync(ctx.lab.knownHostsPath, 'utf8').split('\n').filter((l) => l.includes(ctx.lab.behindJumpHost.ip));
      const file = join(dir, 'known_hosts');
      writeFileSync(file, `${behindLine.join('\n')}\n`);
      const vars = { ...ctx.vars(behind), airlock_jump: [`root@${jump.ip}`], airlock_known_hosts: file };
      const error = await rejectionOf(pool.get(behind, vars), UnreachableError);
      expect(error).to.be.instanceOf(HostKeyError);
      expect((error as HostKeyError).kind).to.equal('unknown');
      expect(error.hop).to.equal(jump.ip);
      expect(error.message).to.contain(`host key of ${jump.ip}`);
    } finally {
      await pool.closeAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
