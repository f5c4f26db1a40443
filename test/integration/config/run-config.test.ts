// ansible.cfg changing what `airlock run` does, on the local connection: the inventory, retry files,
// stdout_callback = json, the profile_tasks/timer timings, unknown keys warned about once, and the command line
// winning over the file.
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, scratchDir, type Ran } from '../../unit/vault/ansible-vault-oracle.js';

const BIN = fileURLToPath(new URL('../../../../bin/airlock.js', import.meta.url));

describe('ansible.cfg applied to airlock run (local connection)', function () {
  this.timeout(120_000);
  let project: string;

  const airlock = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> =>
    run(process.execPath, [BIN, ...args], { cwd: project, env: { CI: 'true', ...options.env }, ...(options.input === undefined ? {} : { input: options.input }) });

  beforeEach(() => {
    project = scratchDir('config-run');
    mkdirSync(join(project, 'inv'));
    writeFileSync(join(project, 'inv', 'hosts.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
    writeFileSync(join(project, 'ok.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: hello\n      debug: msg=hi\n');
    writeFileSync(join(project, 'fails.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: boom\n      fail: msg=no\n');
  });

  it('finds the inventory in ansible.cfg and warns once, with file and line, about a key it does not use', async () => {
    writeFileSync(join(project, 'ansible.cfg'), '[defaults]\ninventory = inv/hosts.yml\nnocows = 1\n');
    const ours = await airlock(['run', 'ok.yml', '--output', 'plain']);
    expect(ours.code, ours.stderr).to.equal(0);
    expect(ours.stdout).to.include('"msg": "hi"');
    const warnings = ours.stderr.split('\n').filter((line) => line.includes('nocows'));
    expect(warnings).to.deep.equal([`[WARNING]: ${join(project, 'ansible.cfg')}:3: [defaults] nocows is not supported by airlock; it is ignored`]);
  });

  it('retry_files_enabled writes <playbook>.retry with the failed hosts into retry_files_save_path', async () => {
    writeFileSync(join(project, 'ansible.cfg'), '[defaults]\ninventory = inv/hosts.yml\nretry_files_enabled = True\nretry_files_save_path = retries\n');
    const ours = await airlock(['run', 'fails.yml', '--output', 'plain']);
    expect(ours.code).to.equal(2);
    expect(readFileSync(join(project, 'retries', 'fails.retry'), 'utf8')).to.equal('localhost\n');
    expect(ours.stdout).to.include(`to retry, use: --limit @${join(project, 'retries', 'fails.retry')}`);
    writeFileSync(join(project, 'ansible.cfg'), '[defaults]\ninventory = inv/hosts.yml\n');
    await airlock(['run', 'fails.yml', '--output', 'plain']);
    expect(existsSync(join(project, 'fails.retry'))).to.equal(false);
  });

  it('stdout_callback = json prints the JSON report instead of the terminal output', async () => {
    writeFileSync(join(project, 'ansible.cfg'), '[defaults]\ninventory = inv/hosts.yml\nstdout_callback = json\n');
    const ours = await airlock(['run', 'ok.yml']);
    expect(ours.code, ours.stderr).to.equal(0);
    const report = JSON.parse(ours.stdout) as { plays: Array<{ tasks: Array<{ name: string }> }> };
    expect(report.plays[0]?.tasks[0]?.name).to.equal('hello');
  });

  it('callbacks_enabled = profile_tasks, timer shows each task\'s time and the run\'s', async () => {
    writeFileSync(join(project, 'ansible.cfg'), '[defaults]\ninventory = inv/hosts.yml\ncallbacks_enabled = profile_tasks, timer\n');
    const ours = await airlock(['run', 'ok.yml', '--output', 'plain']);
    expect(ours.stdout).to.match(/ok: \[localhost\] \(\d+\.\d\ds\) => \{\n {4}"msg": "hi"/);
    expect(ours.stdout).to.match(/Playbook run took 0 days, 0 hours, 0 minutes, \d+ seconds/);
  });

  it('the command line wins: -i over inventory, -f over forks; ANSIBLE_* over the file', async () => {
    writeFileSync(join(project, 'ansible.cfg'), '[defaults]\ninventory = missing.yml\nforks = 0\n');
    const bad = await airlock(['run', 'ok.yml', '--output', 'plain']);
    expect(bad.code).to.equal(1);
    const ours = await airlock(['run', 'ok.yml', '-i', 'inv/hosts.yml', '-f', '2', '--output', 'plain']);
    expect(ours.code, ours.stderr).to.equal(0);
    const viaEnv = await airlock(['run', 'ok.yml', '-f', '2', '--output', 'plain'], { env: { ANSIBLE_INVENTORY: 'inv/hosts.yml' } });
    expect(viaEnv.code, viaEnv.stderr).to.equal(0);
  });

  it('--ask-vault-pass reads the password (from stdin when there is no terminal)', async () => {
    writeFileSync(join(project, 'pw'), 'asked-pass\n');
    const encrypted = await airlock(['vault', 'encrypt_string', '--vault-password-file', 'pw', '-n', 'word', 'swordfish-77']);
    writeFileSync(join(project, 'vars.yml'), `${encrypted.stdout}\n`);
    writeFileSync(join(project, 'use.yml'), '- hosts: all\n  gather_facts: false\n  vars_files: [vars.yml]\n  tasks:\n    - copy: { content: "{{ word }}", dest: "{{ playbook_dir }}/word.txt" }\n');
    const ours = await airlock(['run', 'use.yml', '-i', 'inv/hosts.yml', '--ask-vault-pass', '--output', 'plain'], { input: 'asked-pass\n' });
    expect(ours.code, ours.stdout + ours.stderr).to.equal(0);
    expect(ours.stderr).to.include('Vault password: ');
    expect(readFileSync(join(project, 'word.txt'), 'utf8')).to.equal('swordfish-77');
  });
});
