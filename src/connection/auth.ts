// Which credentials to offer a host: a private key file (decrypted with a passphrase when it needs one), the
// ssh-agent when SSH_AUTH_SOCK is set, and a password only when the inventory gives one explicitly.
import { readInputBytes } from '../util/input-file.js';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { UnreachableError } from './errors.js';

export interface AuthRequest {
  host: string;
  hop?: string;
  user: string;
  privateKeyFile?: string;
  password?: string;
}

export interface PassphraseSource {
  passphrase?: string;
  askPassphrase?: (keyFile: string) => Promise<string>;
}

export interface AuthConfig {
  privateKey?: Buffer;
  passphrase?: string;
  agent?: string;
  password?: string;
  /** for error messages: "publickey (~/.ssh/id_ed25519), agent" */
  methods: string[];
}

const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function isEncryptedKeyError(error: Error): boolean {
  return /no passphrase given/i.test(error.message);
}

/** Decrypting a key costs ~100 ms of bcrypt: do it once per key file, however many hosts use it. */
const decryptedKeys = new Map<string, Promise<{ key: Buffer; passphrase?: string }>>();

async function loadKey(request: AuthRequest, file: string, source: PassphraseSource): Promise<{ key: Buffer; passphrase?: string }> {
  const fail = (message: string, cause?: unknown): UnreachableError =>
    new UnreachableError(request.host, message, { ...(request.hop === undefined ? {} : { hop: request.hop }), cause });
  let key: Buffer;
  try {
    key = await readInputBytes(file, { what: 'private key' });
  } catch (error) {
    throw fail(`${(error as Error).message} (for ${request.user}@${request.host})`, error);
  }
  const plain = ssh2.utils.parseKey(key);
  if (!(plain instanceof Error)) return { key };
  if (!isEncryptedKeyError(plain)) throw fail(`private key ${file} is not a key ssh2 can read: ${plain.message}`);
  const passphrase = source.passphrase ?? process.env['AIRLOCK_SSH_PASSPHRASE'] ?? (source.askPassphrase ? await source.askPassphrase(file) : undefined);
  if (passphrase === undefined || passphrase === '') {
    throw fail(`private key ${file} is encrypted and no passphrase was given: set AIRLOCK_SSH_PASSPHRASE, or run interactively to be asked, or load the key into ssh-agent`);
  }
  const decrypted = ssh2.utils.parseKey(key, passphrase);
  if (decrypted instanceof Error) throw fail(`cannot decrypt private key ${file}: wrong passphrase? (${decrypted.message})`);
  return { key, passphrase };
}

export async function authConfig(request: AuthRequest, source: PassphraseSource): Promise<AuthConfig> {
  const config: AuthConfig = { methods: [] };
  let keyFile = request.privateKeyFile;
  if (keyFile === undefined) keyFile = DEFAULT_KEY_FILES.map((name) => join(homedir(), '.ssh', name)).find((path) => existsSync(path));
  if (keyFile !== undefined) {
    let pending = decryptedKeys.get(keyFile);
    if (pending === undefined) {
      pending = loadKey(request, keyFile, source);
      decryptedKeys.set(keyFile, pending);
      pending.catch(() => decryptedKeys.delete(keyFile as string));
    }
    let loaded: { key: Buffer; passphrase?: string };
    try {
      loaded = await pending;
    } catch (error) {
      // The shared attempt may have been made for another host: report the failure for this one.
      const message = error instanceof Error ? error.message : String(error);
      throw new UnreachableError(request.host, message, { ...(request.hop === undefined ? {} : { hop: request.hop }), cause: error });
    }
    const { key, passphrase } = loaded;
    config.privateKey = key;
    if (passphrase !== undefined) config.passphrase = passphrase;
    config.methods.push(`publickey (${keyFile})`);
  }
  const agent = process.env['SSH_AUTH_SOCK'];
  if (agent !== undefined && agent !== '') {
    config.agent = agent;
    config.methods.push('agent');
  }
  if (request.password !== undefined) {
    config.password = request.password;
    config.methods.push('password');
  }
  return config;
}
