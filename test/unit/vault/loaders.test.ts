// Vaulted data where the loaders read files: inventories, group_vars/host_vars, -e @file, playbooks and their
// vars files, with inline `!vault |` values; every plaintext is announced for redaction.
import { expect } from 'chai';
import { loadInventory } from '../../../src/inventory/load.js';
import { parseExtraVars } from '../../../src/inventory/extra-vars.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { InputError } from '../../../src/util/errors.js';
import { formatInlineVault } from '../../../src/vault/format.js';
import { encryptWith, VaultKeyring, type VaultSecret } from '../../../src/vault/keyring.js';
import { onVaultPlaintext, readIfVaulted, useVaultKeyring } from '../../../src/vault/session.js';
import { writeTree, type TempTree } from '../inventory/helpers.js';
import { fakeModules } from '../playbook/fake-modules.js';

const dev: VaultSecret = { id: 'dev', password: Buffer.from('dev-pass'), source: 'test' };
const ops: VaultSecret = { id: 'ops', password: Buffer.from('ops-pass'), source: 'test' };
const vault = (text: string, secret: VaultSecret = dev): string => encryptWith(Buffer.from(text), secret);
const inline = (name: string, value: string, secret: VaultSecret = dev): string => formatInlineVault(encryptWith(Buffer.from(value), secret), name);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('vaulted data in the loaders', () => {
  let tree: TempTree | undefined;
  let announced: string[];
  let stop: () => void;
  beforeEach(() => {
    useVaultKeyring(new VaultKeyring([dev, ops]));
    announced = [];
    stop = onVaultPlaintext((secret) => announced.push(secret));
  });
  afterEach(() => {
    stop();
    useVaultKeyring(new VaultKeyring());
    tree?.remove();
    tree = undefined;
  });

  it('reads vault-encrypted group_vars and host_vars files and inline !vault values in an inventory', async () => {
    tree = writeTree({
      'hosts.yml': `all:\n  hosts:\n    web1:\n      ${inline('host_token', 'tok-web1-abc', ops).split('\n').join('\n      ')}\n`,
      'group_vars/all.yml': vault('db_password: s3cret-db\nport: 5432\n'),
      'host_vars/web1/vault.yml': vault('api_key: key-for-web1\n', ops),
    });
    const inventory = await loadInventory([tree.path('hosts.yml')]);
    const vars = inventory.hosts.get('web1')?.vars ?? {};
    expect(vars['db_password']).to.equal('s3cret-db');
    expect(vars['port']).to.equal(5432);
    expect(vars['api_key']).to.equal('key-for-web1');
    expect(vars['host_token']).to.equal('tok-web1-abc');
    expect(announced).to.include.members(['s3cret-db', 'key-for-web1', 'tok-web1-abc']);
  });

  it('reads a vaulted INI inventory and -e @vaulted-file', async () => {
    tree = writeTree({ 'hosts.ini': vault('[web]\nweb1 ansible_user=deploy\n'), 'extra.yml': vault('release_key: rk-12345\n') });
    const inventory = await loadInventory([tree.path('hosts.ini')]);
    expect(inventory.hosts.get('web1')?.vars['ansible_user']).to.equal('deploy');
    expect(await parseExtraVars([`@${tree.path('extra.yml')}`], tree.dir)).to.deep.equal({ release_key: 'rk-12345' });
  });

  it('reads a playbook whose play vars hold an inline vault value', async () => {
    tree = writeTree({
      'site.yml': `- hosts: all\n  vars:\n    ${inline('play_secret', 'play-secret-1').split('\n').join('\n    ')}\n  tasks:\n    - debug: msg=hi\n`,
    });
    const playbook = await loadPlaybook(tree.path('site.yml'), fakeModules);
    expect(playbook.plays[0]?.vars['play_secret']).to.equal('play-secret-1');
  });

  it('a wrong password is an InputError naming the file (and the line of an inline value) and the vault id', async () => {
    const stranger: VaultSecret = { id: 'qa', password: Buffer.from('nope'), source: 'test' };
    tree = writeTree({
      'hosts.yml': 'all:\n  hosts:\n    web1:\n',
      'group_vars/all.yml': vault('x: 1\n', stranger),
      'inline.yml': `a: 1\n${inline('b', 'secret-b', stranger)}\n`,
    });
    const whole = await rejection(loadInventory([tree.path('hosts.yml')]));
    expect(whole).to.be.instanceOf(InputError);
    expect(whole.message).to.match(new RegExp(`^${tree.path('group_vars/all.yml')}: decryption failed \\(vault id 'qa'\\)`));
    const inlineError = await rejection(parseExtraVars([`@${tree.path('inline.yml')}`], tree.dir));
    expect(inlineError).to.be.instanceOf(InputError);
    expect(inlineError.message).to.match(new RegExp(`^${tree.path('inline.yml')}:2:4: !vault value: decryption failed \\(vault id 'qa'\\)`));
  });

  it('with no secrets, says that a vault secret is needed', async () => {
    useVaultKeyring(new VaultKeyring());
    tree = writeTree({ 'extra.yml': vault('k: v\n') });
    const error = await rejection(parseExtraVars([`@${tree.path('extra.yml')}`], tree.dir));
    expect(error.message).to.include("vault encrypted (vault id 'dev'), but no vault secret was given");
  });

  it('readIfVaulted decrypts vaulted copy/template sources and leaves other files alone', async () => {
    tree = writeTree({ 'cert.pem': vault('-----BEGIN KEY-----\nMIIsecretkeymaterial\n'), 'plain.txt': 'hello' });
    expect((await readIfVaulted(tree.path('cert.pem')))?.toString()).to.equal('-----BEGIN KEY-----\nMIIsecretkeymaterial\n');
    expect(await readIfVaulted(tree.path('plain.txt'))).to.equal(undefined);
    expect(announced).to.include('MIIsecretkeymaterial');
  });
});
