// Authentication against real sshd: a refused key names user@host and what was tried; encrypted keys open with a
// passphrase from AIRLOCK_SSH_PASSPHRASE or the prompt, and fail clearly without one; ssh-agent keys work.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labContext, type LabContext } from './lab-context.js';
import { UnreachableError } from '../../../src/connection/errors.js';
import { rejectionOf } from '../../support/rejection.js';

describe('connection: authentication', function () {
  this.timeout(120_000);
  let ctx: LabContext;
  let dir: string;
  let host: { name: string; ip: string };
  const authorize = (pubFile: string): void => {
    // the lab's one authorized_keys file serves every host of this (our own) lab
    const authorized = join(ctx.lab.stateDir, 'authorized_keys');
    const line = readFileSync(pubFile, 'utf8');
    if (!readFileSync(authorized, 'utf8').includes(line.trim())) appendFileSync(authorized, line);
  };
  const keygen = (name: string, passphrase = ''): string => {
    const file = join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `airlock-test-${name}`, '-f', file]);
    return file;
  };
  before(async () => {
    ctx = await labContext();
    dir = mkdtempSync(join(tmpdir(), 'airlock-auth-'));
    host = ctx.lab.hosts[6] as { name: string; ip: string };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a refused key as unreachable, naming user@host and the methods tried', async () => {
    const stranger = keygen('stranger');
    const pool = ctx.pool();
    const error = await rejectionOf(pool.get(host.name, { ...ctx.vars(host.name), ansible_ssh_private_key_file: stranger }), UnreachableError);
    await pool.closeAll();
    expect(error.host).to.equal(host.name);
    expect(error.message).to.contain(`authentication failed for root@${host.ip}:22`);
    expect(error.message).to.contain(`publickey (${stranger})`);
  });

  it('opens an encrypted key with AIRLOCK_SSH_PASSPHRASE or the prompt, and says what is missing without one', async () => {
    const locked = keygen('locked', 'correct horse');
    authorize(`${locked}.pub`);
    const prompted = join(dir, 'locked-copy');
    copyFileSync(locked, prompted);
    const saved = process.env['AIRLOCK_SSH_PASSPHRASE'];
    delete process.env['AIRLOCK_SSH_PASSPHRASE'];
    const pool = ctx.pool();
    try {
      const missing = await rejectionOf(pool.get(host.name, { ...ctx.vars(host.name), ansible_ssh_private_key_file: locked }), UnreachableError);
      expect(missing.message).to.contain(`private key ${locked} is encrypted and no passphrase was given`);
      expect(missing.message).to.contain('AIRLOCK_SSH_PASSPHRASE');

      process.env['AIRLOCK_SSH_PASSPHRASE'] = 'correct horse';
      const viaEnv = await (await pool.get(host.name, { ...ctx.vars(host.name), ansible_ssh_private_key_file: locked })).exec('hostname');
      expect(viaEnv.stdout.trim()).to.equal(host.name);
      delete process.env['AIRLOCK_SSH_PASSPHRASE'];

      const asked: string[] = [];
      const prompting = ctx.pool({ askPassphrase: async (file) => (asked.push(file), 'correct horse') });
      const other = ctx.lab.hosts[7]?.name as string;
      const viaPrompt = await Promise.all([other, host.name].map(async (h) => (await prompting.get(h, { ...ctx.vars(h), ansible_ssh_private_key_file: prompted })).exec('hostname')));
      await prompting.closeAll();
      expect(viaPrompt.map((r) => r.stdout.trim())).to.deep.equal([other, host.name]);
      // asked once for the key, however many hosts use it
      expect(asked).to.deep.equal([prompted]);
    } finally {
      await pool.closeAll();
      if (saved === undefined) delete process.env['AIRLOCK_SSH_PASSPHRASE'];
      else process.env['AIRLOCK_SSH_PASSPHRASE'] = saved;
    }
  });

  it('authenticates with a key held by ssh-agent when no key file is configured', async () => {
    const agentKey = keygen('agent-held');
    authorize(`${agentKey}.pub`);
    const socket = join(dir, 'agent.sock');
    const output = execFileSync('ssh-agent', ['-a', socket, '-s'], { encoding: 'utf8' });
    const agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(output)?.[1]);
    const saved = process.env['SSH_AUTH_SOCK'];
    try {
      execFileSync('ssh-add', [agentKey], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      process.env['SSH_AUTH_SOCK'] = socket;
      const { ansible_ssh_private_key_file: _key, ...vars } = ctx.vars(host.name);
      const pool = ctx.pool();
      const result = await (await pool.get(host.name, vars)).exec('hostname');
      await pool.closeAll();
      expect(result.stdout.trim()).to.equal(host.name);
    } finally {
      if (saved === undefined) delete process.env['SSH_AUTH_SOCK'];
      else process.env['SSH_AUTH_SOCK'] = saved;
      if (agentPid > 0) process.kill(agentPid);
    }
  });
});
