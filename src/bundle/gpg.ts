// Upstream's GPG detached signatures (`gpg --detach-sign` gives binary <file>.sig), checked with openpgp.js against a
// keyring file the operator supplies (CIRCL's key, armored or binary). The image is streamed through the verifier:
// memory stays flat however large the image is.
import type * as openpgp from 'openpgp';

/** openpgp.js takes ~150 ms to load: only bundle commands that meet a .sig or a keyring pay for it, not every run. */
const loadOpenpgp = (): Promise<typeof openpgp> => import('openpgp');
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { InputError } from '../util/errors.js';
import { readInputBytes } from '../util/input-file.js';

export type GpgCheck = { ok: true; signerKeyId: string } | { ok: false; reason: string };

/** Read every public key of a keyring file, armored or binary. */
export async function loadKeyring(path: string): Promise<openpgp.Key[]> {
  const bytes = await readInputBytes(path, { what: 'OpenPGP keyring' });
  try {
    const text = bytes.toString('utf8');
    const { readKeys } = await loadOpenpgp();
    if (text.includes('-----BEGIN PGP')) return await readKeys({ armoredKeys: text });
    return await readKeys({ binaryKeys: new Uint8Array(bytes) });
  } catch (error) {
    throw new InputError(`cannot read OpenPGP keyring: ${(error as Error).message}`, { file: path });
  }
}

async function readDetachedSignature(path: string): Promise<openpgp.Signature> {
  // a bundle file: never followed out of the bundle
  const bytes = await readInputBytes(path, { what: 'GPG signature', noFollow: true });
  const text = bytes.toString('latin1');
  const { readSignature } = await loadOpenpgp();
  if (text.startsWith('-----BEGIN PGP SIGNATURE')) return readSignature({ armoredSignature: text });
  return readSignature({ binarySignature: new Uint8Array(bytes) });
}

/** Verify `<dataPath>` against its detached signature with the given keys, streaming the data. */
export async function verifyDetachedSignature(dataPath: string, signaturePath: string, keys: readonly openpgp.Key[]): Promise<GpgCheck> {
  let signature: openpgp.Signature;
  try {
    signature = await readDetachedSignature(signaturePath);
  } catch (error) {
    return { ok: false, reason: `unreadable signature ${signaturePath}: ${(error as Error).message}` };
  }
  const webStream = Readable.toWeb(createReadStream(dataPath, { highWaterMark: 1 << 20 })) as unknown as ReadableStream<Uint8Array>;
  const { createMessage, verify } = await loadOpenpgp();
  const message = await createMessage({ binary: webStream });
  try {
    const result = await verify({ message, signature, verificationKeys: [...keys], format: 'binary' });
    // the verdict is only known once the data has flowed through: drain it without keeping it
    const reader = (result.data as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    const first = result.signatures[0];
    if (!first) return { ok: false, reason: 'the signature file holds no signature' };
    await first.verified;
    return { ok: true, signerKeyId: first.keyID.toHex() };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
