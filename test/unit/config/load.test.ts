// Finding ansible.cfg and the settings in force, checked against ansible-config itself where it can say.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SETTINGS } from '../../../src/config/definitions.js';
import { dumpConfig } from '../../../src/config/dump.js';
import { findConfigFile } from '../../../src/config/find.js';
import { loadConfig } from '../../../src/config/load.js';
import { InputError } from '../../../src/util/errors.js';
import { cleanEnv } from '../vault/ansible-vault-oracle.js';

const run = promisify(execFile);
const ANSIBLE_CONFIG_BIN = '/usr/bin/ansible-config';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-config-'));
  chmodSync(dir, 0o755);
  return dir;
}

describe('ansible.cfg: finding it and the settings in force', function () {
  this.timeout(60_000);
  let home: string;
  beforeEach(() => {
    home = tempDir();
  });

  it('takes the first of $ANSIBLE_CONFIG (a file or a directory), ./ansible.cfg, ~/.ansible.cfg', () => {
    const cwd = tempDir();
    const other = tempDir();
    writeFileSync(join(cwd, 'ansible.cfg'), '[defaults]\n');
    writeFileSync(join(other, 'ansible.cfg'), '[defaults]\n');
    writeFileSync(join(home, '.ansible.cfg'), '[defaults]\n');
    expect(findConfigFile({ ANSIBLE_CONFIG: join(other, 'ansible.cfg') }, cwd, home).file).to.equal(join(other, 'ansible.cfg'));
    expect(findConfigFile({ ANSIBLE_CONFIG: other }, cwd, home).file).to.equal(join(other, 'ansible.cfg'));
    expect(findConfigFile({ ANSIBLE_CONFIG: join(other, 'missing.cfg') }, cwd, home).file).to.equal(join(cwd, 'ansible.cfg'));
    expect(findConfigFile({}, cwd, home).file).to.equal(join(cwd, 'ansible.cfg'));
    expect(findConfigFile({}, other + '-none', home).file).to.equal(join(home, '.ansible.cfg'));
  });

  it('skips ./ansible.cfg in a world-writable directory, with Ansible\'s warning', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'ansible.cfg'), '[defaults]\n');
    chmodSync(cwd, 0o777);
    const found = findConfigFile({}, cwd, home);
    expect(found.file === undefined || found.file === '/etc/ansible/ansible.cfg').to.equal(true);
    expect(found.warnings[0]).to.match(/^Ansible is being run in a world writable directory \(.*\), ignoring it as an ansible.cfg source/);
  });

  it('command line > environment > ansible.cfg > default, each with its origin', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'ansible.cfg'), '[defaults]\nforks = 7\nremote_user = cfg-user\ninventory = hosts, more/hosts\nprivate_key_file = keys/id\n');
    const config = loadConfig({ env: { ANSIBLE_FORKS: '9', ANSIBLE_PRIVATE_KEY_FILE: 'env-key' }, cwd, home });
    expect(config.settings.get('DEFAULT_FORKS')).to.include({ value: 9, origin: 'env: ANSIBLE_FORKS' });
    expect(config.settings.get('DEFAULT_REMOTE_USER')).to.include({ value: 'cfg-user', origin: join(cwd, 'ansible.cfg') });
    expect(config.settings.get('DEFAULT_HOST_LIST')?.value).to.deep.equal([join(cwd, 'hosts'), join(cwd, 'more/hosts')]);
    expect(config.settings.get('DEFAULT_PRIVATE_KEY_FILE')?.value).to.equal(join(cwd, 'env-key'));
    expect(config.settings.get('DEFAULT_BECOME')).to.include({ value: false, origin: 'default' });
  });

  it('warns once per key airlock does not use, naming file and line; a bad integer is an error there', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'ansible.cfg'), '[defaults]\nforks = 7\nnocows = 1\n[ssh_connection]\npipelining = True\n');
    const config = loadConfig({ env: {}, cwd, home });
    expect(config.warnings).to.deep.equal([
      `${join(cwd, 'ansible.cfg')}:3: [defaults] nocows is not supported by airlock; it is ignored`,
      `${join(cwd, 'ansible.cfg')}:5: [ssh_connection] pipelining is not supported by airlock; it is ignored`,
    ]);
    writeFileSync(join(cwd, 'ansible.cfg'), '[defaults]\n\nforks = many\n');
    expect(() => loadConfig({ env: {}, cwd, home })).to.throw(InputError, `${join(cwd, 'ansible.cfg')}:3: invalid type for configuration option DEFAULT_FORKS`);
  });

  it('names, [section] keys, environment variables, types and defaults are those of ansible-core\'s base.yml', async () => {
    const script = [
      'import json, yaml, sys',
      "d = yaml.safe_load(open('/usr/lib/python3/dist-packages/ansible/config/base.yml'))",
      'names = json.loads(sys.argv[1])',
      "print(json.dumps({n: {'env': [e['name'] for e in d[n].get('env', [])], 'ini': [{'section': i['section'], 'key': i['key']} for i in d[n].get('ini', [])], 'type': d[n].get('type'), 'default': d[n].get('default')} for n in names}))",
    ].join('\n');
    const { stdout } = await run('/usr/bin/python3', ['-c', script, JSON.stringify(SETTINGS.map((s) => s.name))]);
    const base = JSON.parse(stdout) as Record<string, { env: string[]; ini: { section: string; key: string }[]; type: string | null; default: unknown }>;
    const types: Record<string, string> = { bool: 'boolean', boolean: 'boolean', integer: 'integer', list: 'list', path: 'path', pathlist: 'pathlist', pathspec: 'pathspec' };
    for (const setting of SETTINGS) {
      const theirs = base[setting.name];
      expect(theirs, setting.name).to.not.equal(undefined);
      if (theirs === undefined) continue;
      // base.yml's entries first; airlock may add the ssh plugin's for the same thing after them
      expect(setting.env.slice(0, theirs.env.length), setting.name).to.deep.equal(theirs.env);
      expect(setting.ini.slice(0, theirs.ini.length), setting.name).to.deep.equal(theirs.ini);
      if (theirs.type !== null) expect(setting.type, setting.name).to.equal(types[theirs.type]);
      if (setting.name !== 'DEFAULT_ROLES_PATH' && setting.name !== 'DEFAULT_HOST_LIST') expect(setting.default, setting.name).to.deep.equal(theirs.default);
    }
  });

  it('`config dump --only-changed` prints the lines ansible-config dump --only-changed prints for the same settings', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'sub'));
    const cfg = [
      '[defaults]',
      'inventory = hosts,sub/more ; two sources',
      'forks: 12',
      'remote_user = deploy',
      'private_key_file = ~/.ssh/fleet_key',
      'roles_path = roles:/srv/roles',
      'host_key_checking = no',
      'timeout = 25',
      'retry_files_enabled = True',
      'retry_files_save_path = sub',
      'vault_password_file = sub/pw',
      'vault_identity_list = dev@sub/dev.pw, ops@prompt',
      'stdout_callback = json',
      'callbacks_enabled = profile_tasks,',
      '  timer',
      'force_handlers = yes',
      '[privilege_escalation]',
      'become = yes',
      'become_user = admin',
      'become_method = sudo',
    ].join('\n');
    writeFileSync(join(cwd, 'ansible.cfg'), `${cfg}\n`);
    const env = { ANSIBLE_REMOTE_PORT: '2222', ANSIBLE_VAULT_ID_MATCH: 'True' };
    const theirs = await run(ANSIBLE_CONFIG_BIN, ['dump', '--only-changed'], { cwd, env: cleanEnv({ ...env, HOME: home }) });
    const ours = dumpConfig(loadConfig({ env, cwd, home }), { onlyChanged: true });
    const names = new Set(['CONFIG_FILE', ...SETTINGS.map((s) => s.name)]);
    const relevant = theirs.stdout.split('\n').filter((line) => names.has(line.split('(')[0] as string));
    expect(ours.trimEnd().split('\n')).to.deep.equal(relevant);
    expect(relevant.length).to.equal(20);
  });

  it('dumps every setting with Python\'s repr, CONFIG_FILE() = None without a file', () => {
    const out = dumpConfig(loadConfig({ env: {}, cwd: tempDir(), home }), { onlyChanged: false });
    expect(out).to.include('CONFIG_FILE() = None\n');
    expect(out).to.include('DEFAULT_BECOME(default) = False\n');
    expect(out).to.include('DEFAULT_REMOTE_USER(default) = None\n');
    expect(out).to.include('CALLBACKS_ENABLED(default) = []\n');
    expect(out.trimEnd().split('\n')).to.have.length(SETTINGS.length + 1);
  });
});
