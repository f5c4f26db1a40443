import { expect } from 'chai';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { applyRunConfig, type ConfigurableRunOptions } from '../../../src/cli/run-settings.js';
import { InputError } from '../../../src/util/errors.js';

function configFrom(cfg: string, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-run-settings-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'ansible.cfg'), cfg);
  return { dir, config: loadConfig({ env, cwd: dir, home: dir }) };
}

const cliDefaults: ConfigurableRunOptions = { inventory: [], forks: 50, acceptNewHostKeys: false, forceHandlers: false };

describe('ansible.cfg applied to airlock run', () => {
  const cfg = [
    '[defaults]',
    'inventory = hosts.yml',
    'forks = 8',
    'timeout = 33',
    'host_key_checking = False',
    'remote_user = deploy',
    'private_key_file = keys/fleet',
    'remote_port = 2222',
    'roles_path = shared/roles',
    'retry_files_enabled = yes',
    'stdout_callback = json',
    'callbacks_enabled = ansible.posix.profile_tasks',
    'force_handlers = true',
    '[privilege_escalation]',
    'become = yes',
    'become_user = app',
    '',
  ].join('\n');

  it('fills in what the command line left alone', () => {
    const { dir, config } = configFrom(cfg);
    const warnings: string[] = [];
    const { options, settings } = applyRunConfig(cliDefaults, config, () => false, (m) => warnings.push(m));
    expect(options).to.deep.equal({ inventory: [join(dir, 'hosts.yml')], forks: 8, connectTimeout: 33, acceptNewHostKeys: true, forceHandlers: true });
    expect(settings.defaultVars).to.deep.equal({ ansible_user: 'deploy', ansible_private_key_file: join(dir, 'keys/fleet'), ansible_port: 2222 });
    expect(settings.playDefaults).to.deep.equal({ become: true, becomeUser: 'app' });
    expect(settings.rolesPath).to.deep.equal([join(dir, 'shared/roles')]);
    expect(settings.retryFiles).to.deep.equal({ saveDir: undefined });
    expect(settings.jsonOnStdout).to.equal(true);
    expect(settings.timings).to.equal(true);
    expect(warnings).to.deep.equal([]);
  });

  it('the command line wins over the environment, which wins over ansible.cfg', () => {
    const { config } = configFrom(cfg, { ANSIBLE_FORKS: '3', ANSIBLE_TIMEOUT: '44' });
    const given = new Set(['forks', 'inventory']);
    const { options } = applyRunConfig({ ...cliDefaults, forks: 20, inventory: ['cli.yml'] }, config, (name) => given.has(name), () => undefined);
    expect(options.forks).to.equal(20);
    expect(options.inventory).to.deep.equal(['cli.yml']);
    expect(options.connectTimeout).to.equal(44);
  });

  it('leaves airlock\'s defaults alone without a configuration', () => {
    const { config } = configFrom('[defaults]\n');
    const { options, settings } = applyRunConfig(cliDefaults, config, () => false, () => undefined);
    expect(options).to.deep.equal(cliDefaults);
    expect(settings).to.deep.equal({ defaultVars: {}, playDefaults: {}, jsonOnStdout: false, timings: false });
  });

  it('refuses a become_method airlock lacks, and warns about callbacks it does not have', () => {
    expect(() => applyRunConfig(cliDefaults, configFrom('[privilege_escalation]\nbecome_method = su\n').config, () => false, () => undefined)).to.throw(InputError, /become_method su .* is not supported by airlock: only sudo/);
    const warnings: string[] = [];
    applyRunConfig(cliDefaults, configFrom('[defaults]\nstdout_callback = yaml\ncallbacks_enabled = timer, mail\n').config, () => false, (m) => warnings.push(m));
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.match(/^stdout_callback yaml is not supported by airlock/);
    expect(warnings[1]).to.match(/^callback mail \(callbacks_enabled\) is not supported by airlock/);
  });
});
