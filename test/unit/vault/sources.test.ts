import { expect } from 'chai';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptWith } from '../../../src/vault/keyring.js';
import { expandPath, isClientScript, loadVaultSecrets, splitVaultId, vaultIdSlugs, type VaultSecretOptions } from '../../../src/vault/sources.js';
import { InputError } from '../../../src/util/errors.js';

function options(dir: string, extra: Partial<VaultSecretOptions>): VaultSecretOptions & { warnings: string[] } {
  const warnings: string[] = [];
  return { vaultIds: [], passwordFiles: [], askVaultPass: false, cwd: dir, warn: (m) => warnings.push(m), warnings, ...extra };
}

describe('vault secret sources', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-vault-sources-'));
  });

  it('orders sources as Ansible: identity list, --vault-id, --vault-password-file, the configured file, the prompt', () => {
    const slugs = vaultIdSlugs(options(dir, { identityList: ['cfg@a'], vaultIds: ['dev@b', 'c'], passwordFiles: ['d'], configPasswordFile: 'e', askVaultPass: true }));
    expect(slugs).to.deep.equal(['cfg@a', 'dev@b', 'c', 'default@d', 'default@e', 'default@prompt_ask_vault_pass']);
    expect(vaultIdSlugs(options(dir, { defaultIdentity: 'site', passwordFiles: ['d'] }))).to.deep.equal(['site@d']);
  });

  it('prompts on its own only when asked to and nothing else is given (ansible-vault, not ansible-playbook)', () => {
    expect(vaultIdSlugs(options(dir, { autoPrompt: true }))).to.deep.equal(['default@prompt_ask_vault_pass']);
    expect(vaultIdSlugs(options(dir, {}))).to.deep.equal([]);
    expect(vaultIdSlugs(options(dir, { autoPrompt: true, vaultIds: ['x@f'] }))).to.deep.equal(['x@f']);
  });

  it('splits label@source at the first @, and knows client scripts by their name', () => {
    expect(splitVaultId('dev@/p/a@b')).to.deep.equal({ label: 'dev', source: '/p/a@b' });
    expect(splitVaultId('/p/file')).to.deep.equal({ label: undefined, source: '/p/file' });
    expect(isClientScript('/x/keyring-client.py')).to.equal(true);
    expect(isClientScript('/x/keyring-client')).to.equal(true);
    expect(isClientScript('/x/client.py')).to.equal(false);
    expect(expandPath('~/pw', '/w')).to.match(/\/pw$/);
    expect(expandPath('sub/../pw', '/w')).to.equal('/w/pw');
  });

  it('reads a password file stripped of surrounding whitespace, labelled default or with its label', async () => {
    writeFileSync(join(dir, 'pw'), '  pass word \n\n');
    const secrets = await loadVaultSecrets(options(dir, { vaultIds: ['dev@pw'], passwordFiles: ['pw'] }));
    expect(secrets.map((s) => [s.id, s.password.toString()])).to.deep.equal([['dev', 'pass word'], ['default', 'pass word']]);
  });

  it('runs an executable as a script (stdout, newlines stripped); a -client script gets --vault-id LABEL', async () => {
    writeFileSync(join(dir, 'plain.sh'), '#!/bin/sh\nprintf "from-script:%s\\n" "$#"\n');
    writeFileSync(join(dir, 'keys-client.sh'), '#!/bin/sh\n[ "$1" = --vault-id ] || exit 3\n[ "$2" = prod ] || { echo "no secret for $2" >&2; exit 2; }\necho "client-for-$2"\n');
    chmodSync(join(dir, 'plain.sh'), 0o755);
    chmodSync(join(dir, 'keys-client.sh'), 0o755);
    const secrets = await loadVaultSecrets(options(dir, { vaultIds: ['a@plain.sh', 'prod@keys-client.sh'] }));
    expect(secrets.map((s) => [s.id, s.password.toString()])).to.deep.equal([['a', 'from-script:0'], ['prod', 'client-for-prod']]);
    try {
      await loadVaultSecrets(options(dir, { vaultIds: ['qa@keys-client.sh'] }));
      expect.fail('a client script exiting 2 must fail');
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      expect((error as Error).message).to.match(/keys-client\.sh did not find a secret for vault-id=qa: no secret for qa/);
    }
  });

  it('decrypts a vaulted password file with a secret given before it', async () => {
    writeFileSync(join(dir, 'master'), 'master-pass');
    writeFileSync(join(dir, 'inner'), encryptWith(Buffer.from('inner-pass\n'), { id: 'm', password: Buffer.from('master-pass'), source: 't' }));
    const secrets = await loadVaultSecrets(options(dir, { vaultIds: ['m@master', 'i@inner'] }));
    expect(secrets[1]?.password.toString()).to.equal('inner-pass');
  });

  it('a failing source is a warning while another works, the error when none does', async () => {
    writeFileSync(join(dir, 'pw'), 'ok');
    const withOne = options(dir, { vaultIds: ['x@missing', 'y@pw'] });
    expect((await loadVaultSecrets(withOne)).map((s) => s.id)).to.deep.equal(['y']);
    expect(withOne.warnings).to.have.length(1);
    expect(withOne.warnings[0]).to.match(/\(x\): the vault password file .*missing was not found/);
    writeFileSync(join(dir, 'empty'), '\n');
    try {
      await loadVaultSecrets(options(dir, { vaultIds: ['x@missing', 'z@empty'] }));
      expect.fail('no working source must fail');
    } catch (error) {
      expect((error as Error).message).to.match(/invalid vault password was provided from file \(.*empty\)/);
    }
  });

  it('prompts with Ansible\'s questions, twice for a new password, and refuses a mismatch', async () => {
    const asked: string[] = [];
    const answers = ['one', 'one', 'two', 'three'];
    const prompt = async (question: string): Promise<string | undefined> => {
      asked.push(question);
      return answers.shift();
    };
    const secrets = await loadVaultSecrets(options(dir, { vaultIds: ['dev@prompt'], askVaultPass: true, prompt, createNewPassword: false }));
    expect(asked).to.deep.equal(['Vault password (dev): ', 'Vault password: ']);
    expect(secrets.map((s) => [s.id, s.password.toString()])).to.deep.equal([['dev', 'one'], ['default', 'one']]);
    asked.length = 0;
    try {
      await loadVaultSecrets(options(dir, { vaultIds: ['dev@prompt'], prompt, createNewPassword: true }));
      expect.fail('a mismatch must fail');
    } catch (error) {
      expect((error as Error).message).to.equal('passwords do not match');
    }
    expect(asked).to.deep.equal(['New vault password (dev): ', 'Confirm new vault password (dev): ']);
  });
});
