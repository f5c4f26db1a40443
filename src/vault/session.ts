// The vault secrets of this run, for the loaders that meet vaulted data while reading files (inventory, vars
// files, playbooks, roles, copy/template sources). The CLI installs them once, before anything is read; loaders
// call decryptFileText()/decryptInline() and never see a password. Every plaintext is announced to the listeners
// (the run's Redactor) so that it is hidden in every output; nothing decrypted is ever written to disk here.
import { open } from 'node:fs/promises';
import { parse } from 'yaml';
import { InputError } from '../util/errors.js';
import { isVaulted, VAULT_HEADER } from './format.js';
import { VaultKeyring } from './keyring.js';

type Listener = (secret: string) => void;

let keyring = new VaultKeyring();
const plaintexts = new Set<string>();
const listeners = new Set<Listener>();

/** Installs the secrets every later decryption uses (the CLI calls this once, before loading anything). */
export function useVaultKeyring(next: VaultKeyring): void {
  keyring = next;
}

export function activeVaultKeyring(): VaultKeyring {
  return keyring;
}

/** Calls `listener` with every secret decrypted so far and every one decrypted later; returns the unsubscribe. */
export function onVaultPlaintext(listener: Listener): () => void {
  for (const secret of plaintexts) listener(secret);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(secret: string): void {
  if (secret === '' || plaintexts.has(secret)) return;
  plaintexts.add(secret);
  for (const listener of listeners) listener(secret);
}

/** Shorter leaves of a vaulted vars file (yes, 80, dev) would be redacted all over the output. */
const MIN_FILE_SECRET_LENGTH = 4;

function announceLeaves(value: unknown): void {
  if (typeof value === 'string') {
    if (value.length >= MIN_FILE_SECRET_LENGTH) announce(value);
  } else if (Array.isArray(value)) value.forEach(announceLeaves);
  else if (value !== null && typeof value === 'object') Object.values(value as Record<string, unknown>).forEach(announceLeaves);
}

/** The secrets inside a decrypted file: the string values of a YAML/JSON document, else its text and lines. */
function announceFile(text: string): void {
  let data: unknown;
  try {
    data = parse(text, { version: '1.1', logLevel: 'silent' });
  } catch {
    data = undefined;
  }
  if (data !== null && typeof data === 'object') {
    announceLeaves(data);
    return;
  }
  announce(text.trim());
  for (const line of text.split('\n')) if (line.trim().length >= MIN_FILE_SECRET_LENGTH) announce(line.trim());
}

/** The file's content, decrypted when it is a vault file; `file` names it in errors. */
export function decryptFileBytes(content: Buffer, file: string): Buffer {
  if (!isVaulted(content)) return content;
  const { plaintext } = keyring.decrypt(content, file);
  announceFile(plaintext.toString('utf8'));
  return plaintext;
}

export function decryptFileText(text: string, file: string): string {
  if (!isVaulted(text)) return text;
  return decryptFileBytes(Buffer.from(text, 'utf8'), file).toString('utf8');
}

/** Marks errors of inline values so that YAML loaders print them as they are, not as "invalid YAML". */
export const INLINE_VAULT_ERROR = '!vault value: ';

/** The value of an inline `!vault |` scalar. */
export function decryptInline(vaulttext: string, file: string): string {
  try {
    const plaintext = keyring.decrypt(vaulttext.trim(), file).plaintext.toString('utf8');
    announce(plaintext);
    return plaintext;
  } catch (error) {
    // the YAML parser turns this into an error at the value's line and column
    const message = error instanceof InputError && error.location ? error.message.slice(error.location.file.length + 2) : (error as Error).message;
    throw new Error(`${INLINE_VAULT_ERROR}${message}`);
  }
}

/** The `!vault` tag for the `yaml` package (a string scalar, decrypted when the document is composed). */
export function vaultYamlTag(file: string): { tag: string; resolve: (text: string) => string } {
  return { tag: '!vault', resolve: (text: string) => decryptInline(text, file) };
}

/** A vaulted file's plaintext; undefined when the file is not vault encrypted (only its header is read then). */
export async function readIfVaulted(path: string): Promise<Buffer | undefined> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(VAULT_HEADER.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (!isVaulted(head.subarray(0, bytesRead)) || bytesRead < head.length) return undefined;
    return decryptFileBytes(await handle.readFile(), path);
  } finally {
    await handle.close();
  }
}
