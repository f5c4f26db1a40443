// Host keys against real sshd: unknown keys refused with the way to accept them, changed keys refused even with
// accept-new, trust on first use recorded so that a later strict connection passes.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostKeyError } from '../../../src/connection/errors.js';
import { labContext, type LabContext } from './lab-context.js';
import { rejectionOf } from '../../support/rejection.js';


describe('connection: host keys on real sshd', function () {
  this.timeout(120_000);
  let ctx: LabContext;
  let dir: string;
  let host: { name: string; ip: string };
  let recordedLine: string;
  before(async () => {
    ctx = await labContext();
    dir = mkdtempSync(join(tmpdir(), 'airlock-hostkeys-'));
    host = ctx.lab.hosts[2] as { name: string; ip: string };
    recordedLine = readFileSync(ctx.lab.knownHostsPath, 'utf8').split('\n').find((l) => l.split(' ')[0]?.split(',').includes(host.ip)) as string;
    expect(recordedLine, 'lab known_hosts has the host').to.be.a('string');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** the host's inventory vars, with our own known_hosts file instead of the lab's */
  const varsWith = (knownHosts: string) => ({ ...ctx.vars(host.name), airlock_known_hosts: knownHosts });

  it('refuses an unknown host key, giving its fingerprint and how to accept it', async () => {
    const pool = ctx.pool();
    const error = await rejectionOf(pool.get(host.name, varsWith(join(dir, 'empty_known_hosts'))), HostKeyError);
    await pool.closeAll();
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', '-'], { input: recordedLine.split(' ').slice(1).join(' '), encoding: 'utf8' }).split(' ')[1];
    expect(error.kind).to.equal('unknown');
    expect(error.host).to.equal(host.name);
    expect(error.message).to.contain(`ED25519 key fingerprint is ${fingerprint}`);
    expect(error.message).to.contain('--accept-new-host-keys');
  });

  it('refuses a changed host key even with accept-new, naming the recorded line', async () => {
    const file = join(dir, 'changed_known_hosts');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'impostor')]);
    const impostor = readFileSync(join(dir, 'impostor.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(file, `# recorded earlier\n${host.ip} ${impostor}\n`);
    const pool = ctx.pool({ acceptNewHostKeys: true });
    const error = await rejectionOf(pool.get(host.name, varsWith(file)), HostKeyError);
    await pool.closeAll();
    expect(error.kind).to.equal('changed');
    expect(error.message).to.contain('HOST KEY CHANGED');
    expect(error.message).to.contain(`${file}:2`);
    expect(readFileSync(file, 'utf8')).to.equal(`# recorded earlier\n${host.ip} ${impostor}\n`);
  });

  it('records a new key with accept-new, and a later strict connection trusts it', async () => {
    const file = join(dir, 'tofu_known_hosts');
    const tofu = ctx.pool({ acceptNewHostKeys: true });
    const first = await (await tofu.get(host.name, varsWith(file))).exec('hostname');
    await tofu.closeAll();
    expect(first.stdout.trim()).to.equal(host.name);
    const recordedKey = recordedLine.split(' ').slice(1, 3).join(' ');
    expect(readFileSync(file, 'utf8')).to.equal(`${host.ip} ${recordedKey}\n`);
    const strict = ctx.pool();
    const second = await (await strict.get(host.name, varsWith(file))).exec('hostname');
    await strict.closeAll();
    expect(second.stdout.trim()).to.equal(host.name);
  });
});
