// SHA-512 crypt ("$6$", Drepper's specification): what Ansible's password_hash('sha512') and `openssl passwd -6`
// produce, for /etc/shadow entries. Pure JS over node:crypto; about 5000 SHA-512 rounds, ~5 ms per hash.
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DEFAULT_ROUNDS = 5000;

function sha512(...parts: Buffer[]): Buffer {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** `length` bytes made of `block` repeated (the P and S sequences of the specification). */
function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += block.length) block.copy(out, offset, 0, Math.min(block.length, length - offset));
  return out;
}

export function randomSalt(length = 16): string {
  return [...randomBytes(length)].map((byte) => ALPHABET[byte % 64]).join('');
}

export function sha512Crypt(password: string, salt: string, rounds = DEFAULT_ROUNDS): string {
  const key = Buffer.from(password, 'utf8');
  const saltText = salt.replace(/^\$6\$/, '').split('$')[0]?.slice(0, 16) ?? '';
  const saltBytes = Buffer.from(saltText, 'utf8');

  const alternate = sha512(key, saltBytes, key);
  const first = createHash('sha512').update(key).update(saltBytes);
  first.update(repeatTo(alternate, key.length));
  for (let bits = key.length; bits > 0; bits >>= 1) first.update(bits & 1 ? alternate : key);
  let digest = first.digest();

  const pBytes = repeatTo(sha512(...Array<Buffer>(key.length).fill(key)), key.length);
  const sBytes = repeatTo(sha512(...Array<Buffer>(16 + (digest[0] ?? 0)).fill(saltBytes)), saltBytes.length);

  for (let round = 0; round < rounds; round += 1) {
    const hash = createHash('sha512');
    hash.update(round % 2 ? pBytes : digest);
    if (round % 3) hash.update(sBytes);
    if (round % 7) hash.update(pBytes);
    hash.update(round % 2 ? digest : pBytes);
    digest = hash.digest();
  }

  const order = [
    [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7],
    [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57],
    [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
  ];
  let encoded = '';
  const emit = (b2: number, b1: number, b0: number, chars: number): void => {
    let word = (b2 << 16) | (b1 << 8) | b0;
    for (let i = 0; i < chars; i += 1) {
      encoded += ALPHABET[word & 0x3f];
      word >>= 6;
    }
  };
  for (const [a, b, c] of order) emit(digest[a ?? 0] ?? 0, digest[b ?? 0] ?? 0, digest[c ?? 0] ?? 0, 4);
  emit(0, 0, digest[63] ?? 0, 2);
  const roundsPart = rounds === DEFAULT_ROUNDS ? '' : `rounds=${rounds}$`;
  return `$6$${roundsPart}${saltText}$${encoded}`;
}
