// Enclave signature over the manifest: ed25519 from node:crypto. Why ed25519 and not GPG for this part: no keyring,
// no trust database, keys are two small PEM files an enclave can generate on its own signing workstation, signatures
// are deterministic, and node verifies them without any extra dependency. The manifest pins every image by size and
// SHA-256, so signing the manifest signs the whole bundle.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, createHash, type KeyObject } from 'node:crypto';
import { writeFile, chmod } from 'node:fs/promises';
import { InputError } from '../util/errors.js';
import { readInputBytes } from '../util/input-file.js';

export interface ManifestSignature {
  algorithm: 'ed25519';
  /** first 16 hex digits of SHA-256 over the public key (DER, SPKI): tells which key signed */
  key_id: string;
  signature: string;
  signed_at: string;
}

export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** Write KEY (private, PKCS#8 PEM, mode 0600) and KEY.pub (SPKI PEM). Returns the key id. */
export async function generateSigningKey(privatePath: string): Promise<{ privatePath: string; publicPath: string; keyId: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicPath = `${privatePath}.pub`;
  // wx: never overwrite an existing key by accident, mode set at creation so the key is never world-readable
  await writeFile(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  await chmod(privatePath, 0o600);
  await writeFile(publicPath, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return { privatePath, publicPath, keyId: keyId(publicKey) };
}

/**
 * A key file as an ed25519 KeyObject. OpenSSL's own complaint ("error:1E08010C:DECODER routines::unsupported")
 * tells an operator nothing: the message says what the file should be instead.
 */
async function loadKey(path: string, kind: 'signing' | 'trusted'): Promise<KeyObject> {
  const bytes = await readInputBytes(path, { what: kind === 'signing' ? 'signing key' : 'trusted key' });
  let key: KeyObject;
  try {
    key = kind === 'signing' ? createPrivateKey(bytes) : createPublicKey(bytes);
  } catch (error) {
    const expected = kind === 'signing' ? 'an ed25519 private key in PEM (PKCS#8), as `airlock bundle keygen` writes' : 'an ed25519 public key in PEM (SPKI), the .pub file `airlock bundle keygen` writes';
    throw new InputError(`cannot use ${kind} key: the file is not ${expected}`, { file: path }, { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new InputError(`cannot use ${kind} key: ${key.asymmetricKeyType ?? 'unknown'} key, expected ed25519`, { file: path });
  return key;
}

export async function loadPrivateKey(path: string): Promise<KeyObject> {
  return loadKey(path, 'signing');
}

export async function loadPublicKey(path: string): Promise<KeyObject> {
  return loadKey(path, 'trusted');
}

export function signManifestBytes(manifestBytes: Buffer, privateKey: KeyObject, now = new Date()): ManifestSignature {
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm: 'ed25519',
    key_id: keyId(publicKey),
    signature: sign(null, manifestBytes, privateKey).toString('base64'),
    signed_at: now.toISOString(),
  };
}

export function parseSignature(text: string, file: string): ManifestSignature {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`manifest signature is not valid JSON: ${(error as Error).message}`, { file });
  }
  const record = value as Partial<ManifestSignature> | null;
  if (!record || record.algorithm !== 'ed25519' || typeof record.signature !== 'string' || typeof record.key_id !== 'string') {
    throw new InputError('manifest signature must be {"algorithm":"ed25519","key_id":...,"signature":<base64>}', { file });
  }
  return { algorithm: 'ed25519', key_id: record.key_id, signature: record.signature, signed_at: String(record.signed_at ?? '') };
}

export type SignatureCheck = { ok: true; keyId: string } | { ok: false; reason: string };

/** True when one of the trusted keys made this signature over exactly these bytes. */
export function verifyManifestBytes(manifestBytes: Buffer, signature: ManifestSignature, trustedKeys: readonly KeyObject[]): SignatureCheck {
  const raw = Buffer.from(signature.signature, 'base64');
  for (const key of trustedKeys) {
    if (verify(null, manifestBytes, key, raw)) return { ok: true, keyId: keyId(key) };
  }
  const trusted = trustedKeys.map(keyId).join(', ');
  const signer = trustedKeys.some((key) => keyId(key) === signature.key_id)
    ? `signed by trusted key ${signature.key_id} but the signature does not match the manifest (manifest changed after signing?)`
    : `signed by key ${signature.key_id}, which is not among the trusted keys (${trusted})`;
  return { ok: false, reason: signer };
}

/** Sign a bundle directory's manifest.json in place: writes manifest.json.sig next to it. */
export async function signBundleDir(dir: string, privateKeyPath: string): Promise<ManifestSignature> {
  const key = await loadPrivateKey(privateKeyPath);
  const manifestPath = `${dir.replace(/\/+$/, '')}/manifest.json`;
  const manifestBytes = await readInputBytes(manifestPath, { what: 'bundle manifest', noFollow: true }).catch((error: unknown) => {
    if ((error as { cause?: NodeJS.ErrnoException }).cause?.code !== 'ENOENT') throw error;
    throw new InputError('no manifest.json to sign (sign the bundle directory, before making a .tar of it)', { file: dir });
  });
  const signature = signManifestBytes(manifestBytes, key);
  await writeFile(`${dir.replace(/\/+$/, '')}/manifest.json.sig`, `${JSON.stringify(signature, null, 2)}\n`);
  return signature;
}
