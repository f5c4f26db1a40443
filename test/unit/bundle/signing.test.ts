import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, loadPrivateKey, loadPublicKey, signManifestBytes, verifyManifestBytes } from '../../../src/bundle/signing.js';

describe('bundle/signing: ed25519 manifest signatures', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'airlock-sign-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keygen writes a 0600 private key and a public key, and refuses to overwrite', async () => {
    const keys = await generateSigningKey(join(dir, 'k1'));
    expect(statSync(keys.privatePath).mode & 0o777).to.equal(0o600);
    expect(readFileSync(keys.publicPath, 'utf8')).to.contain('BEGIN PUBLIC KEY');
    expect(keys.keyId).to.match(/^[0-9a-f]{16}$/);
    await generateSigningKey(join(dir, 'k1')).then(() => expect.fail('overwrote a key'), (error: NodeJS.ErrnoException) => expect(error.code).to.equal('EEXIST'));
  });

  it('a signature verifies with the trusted key, not after the manifest changed, not with another key', async () => {
    await generateSigningKey(join(dir, 'a'));
    await generateSigningKey(join(dir, 'b'));
    const bytes = Buffer.from('{"format":1}\n');
    const signature = signManifestBytes(bytes, await loadPrivateKey(join(dir, 'a')));
    const trustedA = await loadPublicKey(join(dir, 'a.pub'));
    const trustedB = await loadPublicKey(join(dir, 'b.pub'));
    expect(verifyManifestBytes(bytes, signature, [trustedB, trustedA])).to.deep.include({ ok: true });
    const changed = verifyManifestBytes(Buffer.from('{"format":2}\n'), signature, [trustedA]);
    expect(changed).to.deep.equal({ ok: false, reason: `signed by trusted key ${signature.key_id} but the signature does not match the manifest (manifest changed after signing?)` });
    const untrusted = verifyManifestBytes(bytes, signature, [trustedB]);
    expect(untrusted.ok).to.equal(false);
    expect(untrusted.ok ? '' : untrusted.reason).to.contain('not among the trusted keys');
  });

  it('a non-ed25519 or garbage key file is refused naming the file', async () => {
    writeFileSync(join(dir, 'garbage.pub'), 'not a key');
    const error = await loadPublicKey(join(dir, 'garbage.pub')).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).to.contain(`${join(dir, 'garbage.pub')}: cannot use trusted key`);
    const { generateKeyPairSync } = await import('node:crypto');
    writeFileSync(join(dir, 'rsa.pub'), generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }));
    const rsa = await loadPublicKey(join(dir, 'rsa.pub')).then(() => undefined, (e: unknown) => e as Error);
    expect(rsa?.message).to.contain('rsa key, expected ed25519');
  });
});
