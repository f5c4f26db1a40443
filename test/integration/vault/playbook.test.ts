// One Ansible project with vaulted data everywhere Ansible accepts it - a vaulted group_vars file, role defaults,
// -e @file, a template, a copy source and a lookup('file') of a vaulted file, an inline !vault value in vars_files -
// run by ansible-playbook 2.14 and by airlock on the local connection: the same task statuses and the same files,
// and no plaintext anywhere in airlock's output, report or journal. Files are encrypted by ansible-vault and by
// `airlock vault`.
import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ansibleVault, requireAnsibleVault, run, scratchDir, type Ran } from '../../unit/vault/ansible-vault-oracle.js';

const BIN = fileURLToPath(new URL('../../../../bin/airlock.js', import.meta.url));
const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';

const SECRETS = ['gv-db-secret-1', 'role-token-secret-2', 'extra-key-secret-3', 'PRIVATE-KEY-MATERIAL-4', 'inline-secret-5'];

const FILES: Record<string, string> = {
  'inventory.yml': 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n',
  'group_vars/all.yml': 'db_password: gv-db-secret-1\ndb_user: app_owner\n',
  'roles/app/defaults/main.yml': 'role_token: role-token-secret-2\n',
  'roles/app/tasks/main.yml': '- name: role token\n  copy:\n    content: "{{ role_token }}\\n"\n    dest: "{{ out }}/role.txt"\n',
  'extra.yml': 'release_key: extra-key-secret-3\n',
  'templates/app.conf.j2': 'user={{ db_user }}\npassword={{ db_password }}\n',
  'files/key.txt': 'PRIVATE-KEY-MATERIAL-4\n',
  'site.yml': [
    '- hosts: all',
    '  gather_facts: false',
    '  vars_files: [vars.yml]',
    '  roles: [app]',
    '  tasks:',
    '    - name: config from a vaulted template',
    '      template: { src: app.conf.j2, dest: "{{ out }}/app.conf" }',
    '    - name: vaulted file',
    '      copy: { src: key.txt, dest: "{{ out }}/key.txt" }',
    '    - name: looked up',
    '      copy:',
    '        content: "{{ lookup(\'file\', \'key.txt\') }}\\n"',
    '        dest: "{{ out }}/lookup.txt"',
    '    - name: values',
    '      copy:',
    '        content: "{{ inline_secret }} {{ release_key }} {{ plain_value }}\\n"',
    '        dest: "{{ out }}/values.txt"',
    '    - name: say',
    '      debug:',
    '        msg: "password is {{ db_password }}"',
    '',
  ].join('\n'),
};

const recap = (out: string): string => /localhost\s+:\s+(ok=.*?ignored=\d+)/.exec(out)?.[1]?.replace(/\s+/g, ' ') ?? `no recap in: ${out}`;

function listFiles(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

function allText(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

describe('vaulted project: ansible-playbook and airlock run (local connection)', function () {
  this.timeout(180_000);
  let root: string;
  let project: string;
  const vaultArgs = ['--vault-id', 'dev@../dev.pw', '--vault-id', 'ops@../ops.pw'];

  before(async () => {
    requireAnsibleVault();
    root = scratchDir('vault-playbook');
    project = join(root, 'project');
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(join(project, path, '..'), { recursive: true });
      writeFileSync(join(project, path), text);
    }
    writeFileSync(join(root, 'dev.pw'), 'dev-pass\n');
    writeFileSync(join(root, 'ops.pw'), 'ops-pass\n');
    const encrypt = async (args: string[]): Promise<void> => {
      const out = await ansibleVault(['encrypt', ...args], { cwd: project });
      if (out.code !== 0) throw new Error(out.stderr);
    };
    await encrypt(['--vault-id', 'dev@../dev.pw', 'group_vars/all.yml', 'templates/app.conf.j2']);
    await encrypt(['--vault-id', 'ops@../ops.pw', 'roles/app/defaults/main.yml', 'files/key.txt']);
    await encrypt(['--vault-password-file', '../dev.pw', 'extra.yml']); // 1.1, no vault id
    const inline = await run(process.execPath, [BIN, 'vault', 'encrypt_string', '--vault-id', 'ops@../ops.pw', '-n', 'inline_secret', 'inline-secret-5'], { cwd: project });
    if (inline.code !== 0) throw new Error(inline.stderr);
    writeFileSync(join(project, 'vars.yml'), `${inline.stdout}\nplain_value: hello\n`);
  });

  const ansiblePlaybook = (out: string): Promise<Ran> =>
    run(ANSIBLE_PLAYBOOK, ['-i', 'inventory.yml', 'site.yml', ...vaultArgs, '-e', '@extra.yml', '-e', `out=${out}`], { cwd: project });
  const airlockRun = (out: string, extra: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> =>
    run(process.execPath, [BIN, 'run', '-i', 'inventory.yml', 'site.yml', '-e', '@extra.yml', '-e', `out=${out}`, '--output', 'plain', ...extra], { cwd: project, env: { CI: 'true', ...env } });

  it('gives the same statuses and files as ansible-playbook, and never shows a decrypted value', async () => {
    const theirsDir = join(root, 'out-ansible');
    const oursDir = join(root, 'out-airlock');
    mkdirSync(theirsDir);
    mkdirSync(oursDir);
    const theirs = await ansiblePlaybook(theirsDir);
    expect(theirs.code, theirs.stdout + theirs.stderr).to.equal(0);
    const report = join(root, 'report.json');
    const ours = await airlockRun(oursDir, [...vaultArgs, '--json', report]);
    expect(ours.code, ours.stdout + ours.stderr).to.equal(0);
    expect(recap(ours.stdout)).to.equal(recap(theirs.stdout));
    expect(listFiles(oursDir)).to.deep.equal(listFiles(theirsDir));
    expect(readFileSync(join(oursDir, 'values.txt'), 'utf8')).to.equal('inline-secret-5 extra-key-secret-3 hello\n');
    const everything = [ours.stdout, ours.stderr, readFileSync(report, 'utf8'), allText(join(project, '.airlock'))].join('\n');
    expect(allText(join(project, '.airlock'))).to.not.equal('');
    for (const secret of SECRETS) expect(everything, secret).not.to.include(secret);
    // the debug of a vaulted value is hidden whole, as a no_log result (ansible-playbook prints it)
    const say = ours.stdout.slice(ours.stdout.indexOf('TASK [say]'));
    expect(say.split('\n')[1]).to.match(/^ok: \[localhost\]/);
    expect(say).not.to.include('password is');
    expect(theirs.stdout).to.include('password is gv-db-secret-1');
  });

  it('takes the vault secrets from ansible.cfg (vault_identity_list) and ANSIBLE_VAULT_PASSWORD_FILE', async () => {
    const out = join(root, 'out-cfg');
    mkdirSync(out);
    writeFileSync(join(project, 'ansible.cfg'), '[defaults]\nvault_identity_list = ops@../ops.pw\n');
    try {
      const ours = await airlockRun(out, [], { ANSIBLE_VAULT_PASSWORD_FILE: join(root, 'dev.pw') });
      expect(ours.code, ours.stdout + ours.stderr).to.equal(0);
      expect(readFileSync(join(out, 'role.txt'), 'utf8')).to.equal('role-token-secret-2\n');
    } finally {
      writeFileSync(join(project, 'ansible.cfg'), '[defaults]\n');
    }
  });

  it('a wrong password stops before any host is touched: exit 1, one error naming the file and the vault id', async () => {
    const out = join(root, 'out-wrong');
    writeFileSync(join(root, 'wrong.pw'), 'not-it\n');
    const ours = await airlockRun(out, ['--vault-id', 'dev@../dev.pw', '--vault-id', 'ops@../wrong.pw']);
    expect(ours.code).to.equal(1);
    expect(ours.stderr).to.match(/roles\/app\/defaults\/main\.yml: decryption failed \(vault id 'ops'\)/);
    expect(ours.stdout).not.to.include('TASK [');
    expect(existsSync(out)).to.equal(false);
    const theirs = await run(ANSIBLE_PLAYBOOK, ['-i', 'inventory.yml', 'site.yml', '--vault-id', 'dev@../dev.pw', '--vault-id', 'ops@../wrong.pw', '-e', '@extra.yml', '-e', `out=${out}`], { cwd: project });
    expect(theirs.code, 'ansible-playbook fails too').to.not.equal(0);
  });

  it('checks vaulted vars_files before the run too: exit 1 naming the file, line and vault id', async () => {
    const out = join(root, 'out-wrong-vars');
    writeFileSync(join(project, 'no-roles.yml'), FILES['site.yml']?.replace('  roles: [app]\n', '') ?? '');
    const ours = await run(process.execPath, [BIN, 'run', '-i', 'inventory.yml', 'no-roles.yml', '-e', '@extra.yml', '-e', `out=${out}`, '--output', 'plain', '--vault-id', 'dev@../dev.pw', '--vault-id', 'ops@../wrong.pw'], { cwd: project, env: { CI: 'true' } });
    expect(ours.code, ours.stdout + ours.stderr).to.equal(1);
    expect(ours.stderr).to.match(/vars\.yml:1:\d+: !vault value: decryption failed \(vault id 'ops'\)/);
    expect(ours.stdout).to.equal('');
    expect(existsSync(out)).to.equal(false);
  });
});
