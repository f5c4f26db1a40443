// A set of vault secrets and the rules Ansible's VaultLib applies to them (ansible-core 2.14):
// - decrypting tries the secrets in the order they were given. With vault_id_match off (the default) every secret
//   is a candidate whatever the file's vault id says; with it on, only secrets whose id equals the file's (a 1.1
//   file's id is 'default'). A malformed body stops at once; a failed HMAC moves on to the next secret.
// - encrypting uses the secret named by --encrypt-vault-id (vault_encrypt_identity), else the first one.
import { InputError } from '../util/errors.js';
import { decryptBody, encryptBody, VaultCipherError } from './aes256.js';
import { DEFAULT_VAULT_ID, formatEnvelope, isVaulted, parseEnvelope } from './format.js';

export interface VaultSecret {
  /** the vault id (label) this secret is known by: 'default' when none was given */
  id: string;
  password: Buffer;
  /** where it came from, for messages: a file, a script, 'prompt' */
  source: string;
}

export interface Decrypted {
  plaintext: Buffer;
  /** the id of the secret that decrypted it */
  vaultId: string;
  secret: VaultSecret;
}

export class VaultKeyring {
  constructor(
    readonly secrets: readonly VaultSecret[] = [],
    readonly options: { idMatch?: boolean } = {},
  ) {}

  get ids(): string[] {
    return this.secrets.map((secret) => secret.id);
  }

  /** `file` names the source in errors ('-' for stdin, `file:line` for an inline value). */
  decrypt(text: string | Buffer, file: string): Decrypted {
    const vaulttext = typeof text === 'string' ? text : text.toString('utf8');
    if (!isVaulted(vaulttext)) throw new InputError('input is not vault encrypted data', { file });
    const envelope = parseEnvelope(vaulttext, file);
    const fileId = envelope.vaultId ?? DEFAULT_VAULT_ID;
    const idText = `vault id '${fileId}'`;
    if (this.secrets.length === 0) {
      throw new InputError(`vault encrypted (${idText}), but no vault secret was given: pass --vault-id ${fileId === DEFAULT_VAULT_ID ? '' : `${fileId}@`}FILE, --vault-password-file FILE or --ask-vault-pass`, { file });
    }
    const candidates = this.options.idMatch === true ? this.secrets.filter((secret) => secret.id === fileId) : this.secrets;
    for (const secret of candidates) {
      try {
        return { plaintext: decryptBody(envelope.body, secret.password), vaultId: secret.id, secret };
      } catch (error) {
        if (error instanceof VaultCipherError && error.kind === 'hmac') continue;
        const reason = error instanceof Error ? error.message : String(error);
        throw new InputError(`vault format error (${idText}): ${reason}`, { file });
      }
    }
    const tried = candidates.length === 0 ? `none of the vault ids given (${this.ids.join(', ')}) is '${fileId}' and vault_id_match is on` : `tried the secrets of vault ids ${candidates.map((s) => `'${s.id}'`).join(', ')}`;
    throw new InputError(`decryption failed (${idText}): no vault secret could decrypt it (wrong password, or the file was altered); ${tried}`, { file });
  }

  /** The secret to encrypt with: Ansible's match_encrypt_secret. */
  encryptSecret(encryptVaultId?: string): VaultSecret {
    if (encryptVaultId !== undefined && encryptVaultId !== '') {
      const found = this.secrets.find((secret) => secret.id === encryptVaultId);
      if (found === undefined) throw new InputError(`did not find a match for --encrypt-vault-id=${encryptVaultId} in the known vault ids [${this.ids.map((id) => `'${id}'`).join(', ')}]`);
      return found;
    }
    const first = this.secrets[0];
    if (first === undefined) throw new InputError("a vault password is required to encrypt (--vault-id, --vault-password-file or --ask-vault-pass)");
    return first;
  }
}

/** The envelope for `plaintext` under `secret`, labelled with `vaultId` (1.2) unless that is 'default' (1.1). */
export function encryptWith(plaintext: Buffer, secret: VaultSecret, vaultId: string = secret.id, salt?: Buffer): string {
  if (isVaulted(plaintext)) throw new InputError('input is already encrypted');
  return formatEnvelope(encryptBody(plaintext, secret.password, salt), vaultId);
}
