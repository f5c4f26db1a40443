// The AES256 vault cipher (ansible-core's VaultAES256), on Node's crypto only:
//   key material = PBKDF2-HMAC-SHA256(password, salt, 10000 iterations, 80 bytes)
//                = AES-256 key (32) | HMAC-SHA256 key (32) | CTR initial counter (16)
//   ciphertext   = AES-256-CTR(PKCS#7-padded plaintext)   (CTR needs no padding; the format has it anyway)
//   body         = hex( hex(salt) "\n" hex(hmac(ciphertext)) "\n" hex(ciphertext) )
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const ITERATIONS = 10_000;
const KEY_LENGTH = 32;
const IV_LENGTH = 16;
const BLOCK = 16;
const SALT_LENGTH = 32;

export interface VaultKeys {
  cipherKey: Buffer;
  hmacKey: Buffer;
  iv: Buffer;
}

/** Why a body could not be decrypted: a malformed body (no password can help) or a failed HMAC (wrong password or tampering). */
export class VaultCipherError extends Error {
  constructor(
    message: string,
    readonly kind: 'format' | 'hmac',
  ) {
    super(message);
    this.name = 'VaultCipherError';
  }
}

export function deriveKeys(password: Buffer, salt: Buffer): VaultKeys {
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, 'sha256');
  return {
    cipherKey: derived.subarray(0, KEY_LENGTH),
    hmacKey: derived.subarray(KEY_LENGTH, 2 * KEY_LENGTH),
    iv: derived.subarray(2 * KEY_LENGTH),
  };
}

function pad(data: Buffer): Buffer {
  const count = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(count, count)]);
}

function unpad(data: Buffer): Buffer {
  const count = data.length === 0 ? 0 : (data[data.length - 1] as number);
  const valid = count >= 1 && count <= BLOCK && data.length % BLOCK === 0 && data.subarray(data.length - count).every((byte) => byte === count);
  if (!valid) throw new VaultCipherError('invalid padding', 'format');
  return data.subarray(0, data.length - count);
}

/** Python's unhexlify: an even number of hex digits, nothing else. */
function unhex(text: string, what: string): Buffer {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new VaultCipherError(`${what} is not hexadecimal`, 'format');
  return Buffer.from(text, 'hex');
}

/** `salt` is for tests and for ansible's vault_encrypt_salt; leave it out to get 32 random bytes. */
export function encryptBody(plaintext: Buffer, password: Buffer, salt: Buffer = randomBytes(SALT_LENGTH)): string {
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const cipher = createCipheriv('aes-256-ctr', cipherKey, iv);
  const ciphertext = Buffer.concat([cipher.update(pad(plaintext)), cipher.final()]);
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest();
  const inner = `${salt.toString('hex')}\n${hmac.toString('hex')}\n${ciphertext.toString('hex')}`;
  return Buffer.from(inner, 'latin1').toString('hex');
}

export function decryptBody(body: string, password: Buffer): Buffer {
  const inner = unhex(body, 'the vault body').toString('latin1');
  const first = inner.indexOf('\n');
  const second = first < 0 ? -1 : inner.indexOf('\n', first + 1);
  if (second < 0) throw new VaultCipherError('the vault body does not hold salt, HMAC and ciphertext', 'format');
  const salt = unhex(inner.slice(0, first), 'the salt');
  const expected = unhex(inner.slice(first + 1, second), 'the HMAC');
  const ciphertext = unhex(inner.slice(second + 1), 'the ciphertext');
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const actual = createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new VaultCipherError('HMAC verification failed', 'hmac');
  const decipher = createDecipheriv('aes-256-ctr', cipherKey, iv);
  return unpad(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}
