import { expect } from 'chai';
import { encryptWith, VaultKeyring, type VaultSecret } from '../../../src/vault/keyring.js';
import { InputError } from '../../../src/util/errors.js';

const secret = (id: string, password: string): VaultSecret => ({ id, password: Buffer.from(password), source: `test ${id}` });

describe('vault keyring (VaultLib rules)', () => {
  const dev = secret('dev', 'dev-pass');
  const prod = secret('prod', 'prod-pass');
  const devFile = encryptWith(Buffer.from('a: 1\n'), dev);

  it('labels the envelope with the secret id (1.2), or 1.1 for the default id', () => {
    expect(devFile.split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;dev');
    expect(encryptWith(Buffer.from('x'), secret('default', 'p')).split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.1;AES256');
  });

  it('refuses to encrypt what is already encrypted', () => {
    expect(() => encryptWith(Buffer.from(devFile), dev)).to.throw(InputError, 'input is already encrypted');
  });

  it('tries every secret in order whatever the file says (vault_id_match off), and reports which one worked', () => {
    const decrypted = new VaultKeyring([prod, secret('other', 'dev-pass'), dev]).decrypt(devFile, 'group_vars/all.yml');
    expect(decrypted.plaintext.toString()).to.equal('a: 1\n');
    expect(decrypted.vaultId).to.equal('other'); // the first secret that decrypts, even under another label
  });

  it('with vault_id_match, only the secrets of the file\'s vault id are tried', () => {
    expect(new VaultKeyring([secret('other', 'dev-pass'), dev], { idMatch: true }).decrypt(devFile, 'f').vaultId).to.equal('dev');
    expect(() => new VaultKeyring([secret('other', 'dev-pass')], { idMatch: true }).decrypt(devFile, 'f')).to.throw(InputError, /none of the vault ids given \(other\) is 'dev'/);
  });

  it('a wrong password is one error naming the file and the vault id, never a password', () => {
    let caught: unknown;
    try {
      new VaultKeyring([prod]).decrypt(devFile, 'group_vars/all.yml');
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(InputError);
    const message = (caught as Error).message;
    expect(message).to.match(/^group_vars\/all\.yml: decryption failed \(vault id 'dev'\)/);
    expect(message).to.include("'prod'");
    expect(message).not.to.include('prod-pass');
  });

  it('no secret at all says how to give one', () => {
    expect(() => new VaultKeyring().decrypt(devFile, 'x.yml')).to.throw(InputError, /^x\.yml: vault encrypted \(vault id 'dev'\), but no vault secret was given: pass --vault-id dev@FILE/);
  });

  it('a corrupted body stops at once with a format error', () => {
    const broken = devFile.replace(/\n([0-9a-f])/, '\nZ');
    expect(() => new VaultKeyring([prod, dev]).decrypt(broken, 'x.yml')).to.throw(InputError, /^x\.yml: vault format error \(vault id 'dev'\)/);
  });

  it('plain text is not vault data', () => {
    expect(() => new VaultKeyring([dev]).decrypt('a: 1', 'x.yml')).to.throw(InputError, 'x.yml: input is not vault encrypted data');
  });

  it('encrypts with --encrypt-vault-id\'s secret, else the first', () => {
    const keyring = new VaultKeyring([dev, prod]);
    expect(keyring.encryptSecret('prod')).to.equal(prod);
    expect(keyring.encryptSecret()).to.equal(dev);
    expect(() => keyring.encryptSecret('qa')).to.throw(InputError, "did not find a match for --encrypt-vault-id=qa in the known vault ids ['dev', 'prod']");
    expect(() => new VaultKeyring().encryptSecret()).to.throw(InputError, /a vault password is required/);
  });
});
