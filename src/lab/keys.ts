// ed25519 key pairs in OpenSSH's own file format, made in-process: a 200-host lab needs 201 keys, and 201
// ssh-keygen forks cost seconds on a loaded 2-core machine. The format is "openssh-key-v1" (PROTOCOL.key in OpenSSH).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

export interface Ed25519KeyPair {
  /** the whole private key file, PEM-armoured openssh-key-v1 */
  privateKeyFile: string;
  /** "ssh-ed25519 AAAA..." (no comment), as in known_hosts and authorized_keys */
  publicKey: string;
}

export function generateEd25519(comment: string): Ed25519KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string' || typeof jwk.x !== 'string') throw new Error('ed25519 key export lacks d/x');
  const seed = Buffer.from(jwk.d, 'base64url');
  const pub = Buffer.from(jwk.x, 'base64url');
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  // Unencrypted keys still pad to the "none" cipher's block size of 8 with bytes 1, 2, 3, ...
  const padLength = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(secret),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    privateKeyFile: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${publicBlob.toString('base64')}`,
  };
}

/** Write PATH (mode 600) and PATH.pub; returns the public key without its comment. */
export async function writeEd25519KeyFiles(path: string, comment: string): Promise<string> {
  const pair = generateEd25519(comment);
  await writeFile(path, pair.privateKeyFile, { mode: 0o600 });
  await writeFile(`${path}.pub`, `${pair.publicKey} ${comment}\n`, { mode: 0o644 });
  return pair.publicKey;
}
