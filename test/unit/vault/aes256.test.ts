import { expect } from 'chai';
import { decryptBody, deriveKeys, encryptBody, VaultCipherError } from '../../../src/vault/aes256.js';
import { formatEnvelope, parseEnvelope } from '../../../src/vault/format.js';
import { ansibleDerivedKeys, ansibleEncryptWithSalt, ansibleVault, requireAnsibleVault, scratchDir } from './ansible-vault-oracle.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

describe('vault AES256 cipher', function () {
  this.timeout(60_000); // each ansible-vault or python start costs a second or more on a loaded machine
  before(requireAnsibleVault);

  it('derives the same AES key, HMAC key and IV as ansible-core (PBKDF2-SHA256, 10000 rounds, 80 bytes)', async () => {
    const salt = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
    const ours = deriveKeys(Buffer.from('correct horse'), Buffer.from(salt, 'hex'));
    const theirs = await ansibleDerivedKeys('correct horse', salt);
    expect({ cipherKey: ours.cipherKey.toString('hex'), hmacKey: ours.hmacKey.toString('hex'), iv: ours.iv.toString('hex') }).to.deep.equal(theirs);
  });

  it('writes byte for byte what ansible-core writes with the same salt', async () => {
    const salt = 'a-fixed-salt-for-the-test-only!!';
    const theirs = await ansibleEncryptWithSalt('token: 42\n', 'pepper', 'lab', salt);
    const ours = formatEnvelope(encryptBody(Buffer.from('token: 42\n'), Buffer.from('pepper'), Buffer.from(salt)), 'lab');
    expect(ours).to.equal(theirs);
  });

  it('round-trips any bytes, the empty string and whole blocks included (PKCS#7 padding)', () => {
    for (const size of [0, 1, 15, 16, 17, 1000]) {
      const plaintext = Buffer.alloc(size, 7);
      expect(decryptBody(encryptBody(plaintext, Buffer.from('pw')), Buffer.from('pw')).equals(plaintext)).to.equal(true);
    }
  });

  it('a wrong password or an altered ciphertext fails the HMAC; a body that is not hex is a format error', () => {
    const body = encryptBody(Buffer.from('secret'), Buffer.from('right'));
    expect(() => decryptBody(body, Buffer.from('wrong'))).to.throw(VaultCipherError, 'HMAC verification failed').with.property('kind', 'hmac');
    const inner = Buffer.from(body, 'hex').toString('latin1');
    const flipped = `${inner.slice(0, -1)}${inner.endsWith('0') ? '1' : '0'}`;
    expect(() => decryptBody(Buffer.from(flipped, 'latin1').toString('hex'), Buffer.from('right'))).to.throw(VaultCipherError).with.property('kind', 'hmac');
    expect(() => decryptBody('zz', Buffer.from('right'))).to.throw(VaultCipherError).with.property('kind', 'format');
    expect(() => decryptBody(Buffer.from('no newlines').toString('hex'), Buffer.from('right'))).to.throw(VaultCipherError).with.property('kind', 'format');
  });

  it('decrypts a file ansible-vault encrypted', async () => {
    const dir = scratchDir('vault-read');
    writeFileSync(join(dir, 'pw'), 'pepper');
    const theirs = await ansibleVault(['encrypt', '--vault-password-file', 'pw', '--output', '-', '-'], { cwd: dir, input: 'ünïcode: yes\n' });
    expect(theirs.code, theirs.stderr).to.equal(0);
    const envelope = parseEnvelope(theirs.stdout, 'stdin');
    expect(envelope.version).to.equal('1.1');
    expect(decryptBody(envelope.body, Buffer.from('pepper')).toString('utf8')).to.equal('ünïcode: yes\n');
  });
});
