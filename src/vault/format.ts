// The vault envelope, as ansible-core 2.14 reads and writes it (parsing/vault/__init__.py):
//   $ANSIBLE_VAULT;1.1;AES256            (or 1.2;AES256;<vault-id>)
//   <the cipher's hexlified body, cut into lines of 80 characters>
// Reading is lenient where Ansible's is: the header's fields are stripped, the body's lines are joined, and any
// fourth header field is the vault id whatever the version says.
import { InputError } from '../util/errors.js';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
/** The only cipher Ansible reads or writes. */
export const VAULT_CIPHER = 'AES256';
/** Ansible's DEFAULT_VAULT_IDENTITY: the id of a 1.1 file and of a secret given without a label. */
export const DEFAULT_VAULT_ID = 'default';

export interface VaultEnvelope {
  version: string;
  cipher: string;
  /** the id written in a 1.2 header, else undefined (Ansible then uses DEFAULT_VAULT_ID) */
  vaultId: string | undefined;
  /** the hexlified cipher body, line breaks removed */
  body: string;
}

/** Ansible's is_encrypted: ASCII text that starts with the header (leading whitespace is not skipped). */
export function isVaulted(data: string | Buffer): boolean {
  const head = typeof data === 'string' ? data.slice(0, VAULT_HEADER.length) : data.subarray(0, VAULT_HEADER.length).toString('latin1');
  return head === VAULT_HEADER;
}

/** `file` only names the source in errors. */
export function parseEnvelope(text: string, file: string): VaultEnvelope {
  const lines = text.split(/\r\n|\r|\n/);
  const header = (lines[0] ?? '').trim().split(';');
  if (header[0] !== VAULT_HEADER) throw new InputError('not vault encrypted data (no $ANSIBLE_VAULT header)', { file });
  if (header.length < 3) throw new InputError(`vault envelope format error: the header '${lines[0]}' has no cipher`, { file });
  const version = (header[1] as string).trim();
  const cipher = (header[2] as string).trim();
  const vaultId = header.length >= 4 ? (header[3] as string).trim() : undefined;
  if (cipher !== VAULT_CIPHER) throw new InputError(`vault cipher ${cipher} is not supported (only ${VAULT_CIPHER})`, { file });
  return { version, cipher, vaultId, body: lines.slice(1).join('') };
}

/** Version 1.1 unless a vault id other than 'default' is given (then 1.2 with the id), as format_vaulttext_envelope. */
export function formatEnvelope(body: string, vaultId?: string): string {
  const labelled = vaultId !== undefined && vaultId !== '' && vaultId !== DEFAULT_VAULT_ID;
  const header = labelled ? `${VAULT_HEADER};1.2;${VAULT_CIPHER};${vaultId}` : `${VAULT_HEADER};1.1;${VAULT_CIPHER}`;
  const lines = [header];
  for (let i = 0; i < body.length; i += 80) lines.push(body.slice(i, i + 80));
  return `${lines.join('\n')}\n`;
}

/** `ansible-vault encrypt_string`'s YAML: `name: !vault |` then the envelope indented by 10 spaces, no final newline. */
export function formatInlineVault(envelope: string, name?: string): string {
  const header = `${name === undefined || name === '' ? '' : `${name}: `}!vault |`;
  const body = envelope.split('\n').filter((line) => line !== '').map((line) => `${' '.repeat(10)}${line}`);
  return [header, ...body].join('\n');
}
