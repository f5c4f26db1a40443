import { expect } from 'chai';
import * as openpgp from 'openpgp';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKeyring, verifyDetachedSignature } from '../../../src/bundle/gpg.js';

describe('bundle/gpg: upstream detached signatures with openpgp.js', () => {
  let dir: string;
  let data: Buffer;
  before(async function () {
    this.timeout(20_000);
    dir = mkdtempSync(join(tmpdir(), 'airlock-gpg-')); 
    const signer = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'CIRCL test', email: 'test@example.org' }], format: 'object' });
    const stranger = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'stranger', email: 's@example.org' }], format: 'object' });
    data = randomBytes(3 * 1024 * 1024);
    writeFileSync(join(dir, 'img.tar.gz'), data);
    const message = await openpgp.createMessage({ binary: new Uint8Array(data) });
    // binary detached signature, as `gpg --detach-sign` writes it
    const signature = await openpgp.sign({ message, signingKeys: signer.privateKey, detached: true, format: 'binary' });
    writeFileSync(join(dir, 'img.tar.gz.sig'), signature);
    writeFileSync(join(dir, 'signer.asc'), signer.publicKey.armor());
    writeFileSync(join(dir, 'signer.gpg'), signer.publicKey.write());
    writeFileSync(join(dir, 'stranger.asc'), stranger.publicKey.armor());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the image with the signer key (armored keyring)', async () => {
    const result = await verifyDetachedSignature(join(dir, 'img.tar.gz'), join(dir, 'img.tar.gz.sig'), await loadKeyring(join(dir, 'signer.asc')));
    expect(result.ok).to.equal(true);
  });

  it('accepts the image with a binary keyring', async () => {
    const result = await verifyDetachedSignature(join(dir, 'img.tar.gz'), join(dir, 'img.tar.gz.sig'), await loadKeyring(join(dir, 'signer.gpg')));
    expect(result.ok).to.equal(true);
  });

  it('refuses tampered data', async () => {
    const tampered = Buffer.from(data);
    tampered[1_000_000] = (tampered[1_000_000] ?? 0) ^ 1;
    writeFileSync(join(dir, 'tampered.tar.gz'), tampered);
    const result = await verifyDetachedSignature(join(dir, 'tampered.tar.gz'), join(dir, 'img.tar.gz.sig'), await loadKeyring(join(dir, 'signer.asc')));
    expect(result).to.deep.equal({ ok: false, reason: 'Signed digest did not match' });
  });

  it('refuses a signature from a key not in the keyring', async () => {
    const result = await verifyDetachedSignature(join(dir, 'img.tar.gz'), join(dir, 'img.tar.gz.sig'), await loadKeyring(join(dir, 'stranger.asc')));
    expect(result.ok).to.equal(false);
    expect(result.ok ? '' : result.reason).to.match(/Could not find signing key/);
  });
});
