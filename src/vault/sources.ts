// Where vault secrets come from, in the order Ansible's CLI.setup_vault_secrets builds them (ansible-core 2.14):
//   vault_identity_list (ansible.cfg / ANSIBLE_VAULT_IDENTITY_LIST), then each --vault-id, then each
//   --vault-password-file, then vault_password_file (ansible.cfg / ANSIBLE_VAULT_PASSWORD_FILE), then a prompt when
//   --ask-vault-pass is given (or, for `airlock vault`, when nothing else is).
// A source is `label@what` or just `what` (label 'default'); `what` is `prompt` or a path. A path is a password
// file, or when executable a script whose stdout is the password, or when its name (minus extension) ends in
// `-client`, a client script asked `--vault-id <label>`. A password file may itself be vault encrypted with a
// secret given before it. A source that fails is a warning while another one works, else the error.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, normalize, resolve } from 'node:path';
import { InputError } from '../util/errors.js';
import { DEFAULT_VAULT_ID, isVaulted } from './format.js';
import { VaultKeyring, type VaultSecret } from './keyring.js';
import { promptLine, releasePromptInput } from './prompt.js';

export interface VaultSecretOptions {
  /** --vault-id values, in order */
  vaultIds: readonly string[];
  /** --vault-password-file values, in order */
  passwordFiles: readonly string[];
  askVaultPass: boolean;
  /** vault_identity_list of the configuration */
  identityList?: readonly string[];
  /** vault_password_file of the configuration */
  configPasswordFile?: string | undefined;
  /** vault_identity of the configuration: the label of unlabelled sources (Ansible's default: 'default') */
  defaultIdentity?: string;
  /** ask twice ("New vault password") for secrets that encrypt */
  createNewPassword?: boolean;
  /** prompt when no source is given at all (ansible-vault does; ansible-playbook does not) */
  autoPrompt?: boolean;
  cwd: string;
  warn(message: string): void;
  /** tests replace the terminal */
  prompt?: (question: string) => Promise<string | undefined>;
}

const PROMPT = 'prompt';
const PROMPT_ASK_VAULT_PASS = 'prompt_ask_vault_pass';

/** `label@source` -> [label, source]; a value without `@` has no label. */
export function splitVaultId(slug: string): { label: string | undefined; source: string } {
  const at = slug.indexOf('@');
  return at < 0 ? { label: undefined, source: slug } : { label: slug.slice(0, at), source: slug.slice(at + 1) };
}

/** Every source as a `label@source` slug, in Ansible's order (build_vault_ids). */
export function vaultIdSlugs(options: VaultSecretOptions): string[] {
  const identity = options.defaultIdentity ?? DEFAULT_VAULT_ID;
  const slugs = [...(options.identityList ?? []), ...options.vaultIds];
  const files = [...options.passwordFiles, ...(options.configPasswordFile ? [options.configPasswordFile] : [])];
  for (const file of files) slugs.push(`${identity}@${file}`);
  if (options.askVaultPass || (slugs.length === 0 && options.autoPrompt === true)) slugs.push(`${identity}@${PROMPT_ASK_VAULT_PASS}`);
  return slugs;
}

/** Ansible's unfrackpath(follow=False): ~ and $VARS expanded, relative to the working directory, normalised. */
export function expandPath(path: string, cwd: string): string {
  const withVars = path.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a: string | undefined, b: string | undefined) => process.env[(a ?? b) as string] ?? whole);
  const withHome = withVars === '~' ? homedir() : withVars.startsWith('~/') ? `${homedir()}${withVars.slice(1)}` : withVars;
  return normalize(resolve(cwd, withHome));
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Ansible's script_is_client: `foo-client`, `foo-client.py`, ... */
export function isClientScript(path: string): boolean {
  const name = basename(path);
  return name.slice(0, name.length - extname(name).length).endsWith('-client');
}

function runScript(path: string, args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(path, args, { encoding: 'buffer', maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        fail(new InputError(`problem running vault password script ${path} (${error.message}); if this is not a script, remove the executable bit from the file`));
        return;
      }
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr: stderr.toString('utf8').trim() });
    });
  });
}

/** Python's bytes.strip() (ASCII whitespace), and .strip(b'\r\n'). */
const stripWhitespace = (data: Buffer): Buffer => Buffer.from(data.toString('latin1').replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, ''), 'latin1');
const stripNewlines = (data: Buffer): Buffer => Buffer.from(data.toString('latin1').replace(/^[\r\n]+|[\r\n]+$/g, ''), 'latin1');

async function passwordFromPath(path: string, label: string | undefined, earlier: VaultSecret[]): Promise<{ password: Buffer; source: string }> {
  if (!existsSync(path)) throw new InputError(`the vault password file ${path} was not found`);
  if (isExecutable(path)) {
    const client = isClientScript(path);
    const args = client && label !== undefined && label !== '' ? ['--vault-id', label] : [];
    const { code, stdout, stderr } = await runScript(path, args);
    if (client && code === 2) throw new InputError(`vault password client script ${path} did not find a secret for vault-id=${label ?? ''}: ${stderr}`);
    if (code !== 0) throw new InputError(`vault password ${client ? 'client ' : ''}script ${path} returned non-zero (${code})${client ? ` when getting secret for vault-id=${label ?? ''}` : ''}: ${stderr}`);
    const password = stripNewlines(stdout);
    if (password.length === 0) throw new InputError(`invalid vault password was provided from script (${path}): it printed nothing`);
    return { password, source: `${client ? 'client script' : 'script'} ${path}` };
  }
  let content: Buffer;
  try {
    content = stripWhitespace(readFileSync(path));
  } catch (error) {
    throw new InputError(`could not read vault password file ${path}: ${(error as Error).message}`);
  }
  if (isVaulted(content)) content = new VaultKeyring(earlier).decrypt(content, path).plaintext;
  const password = stripNewlines(content);
  if (password.length === 0) throw new InputError(`invalid vault password was provided from file (${path}): it is empty`);
  return { password, source: `file ${path}` };
}

async function passwordFromPrompt(kind: string, id: string, options: VaultSecretOptions): Promise<Buffer> {
  const ask = options.prompt ?? ((question: string) => promptLine(question));
  const questions =
    kind === PROMPT_ASK_VAULT_PASS
      ? options.createNewPassword ? ['New Vault password: ', 'Confirm New Vault password: '] : ['Vault password: ']
      : options.createNewPassword ? [`New vault password (${id}): `, `Confirm new vault password (${id}): `] : [`Vault password (${id}): `];
  const answers: string[] = [];
  for (const question of questions) {
    const answer = await ask(question);
    if (answer === undefined) throw new InputError(`end of input (ctrl-d) at the vault password prompt for (${id})`);
    if (answer === '') throw new InputError(`invalid vault password was provided: the prompt for (${id}) got an empty password`);
    answers.push(answer.trim());
  }
  if (answers.some((answer) => answer !== answers[0])) throw new InputError('passwords do not match');
  return Buffer.from(answers[0] as string, 'utf8');
}

/** The secrets, in order. Errors and warnings never contain a password. */
export async function loadVaultSecrets(options: VaultSecretOptions): Promise<VaultSecret[]> {
  const identity = options.defaultIdentity ?? DEFAULT_VAULT_ID;
  const secrets: VaultSecret[] = [];
  let lastError: InputError | undefined;
  for (const slug of vaultIdSlugs(options)) {
    const { label, source } = splitVaultId(slug);
    if (label !== undefined && label.includes(';')) throw new InputError(`'${slug}' is not a valid vault id: the character ';' is not allowed in vault ids`);
    const id = label === undefined || label === '' ? identity : label;
    if (source === PROMPT || source === PROMPT_ASK_VAULT_PASS) {
      secrets.push({ id, password: await passwordFromPrompt(source, id, options), source: 'prompt' });
      continue;
    }
    try {
      const { password, source: from } = await passwordFromPath(expandPath(source, options.cwd), label, secrets);
      secrets.push({ id, password, source: from });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      options.warn(`error getting vault password (${id}): ${error.message}`);
      lastError = error;
    }
  }
  releasePromptInput();
  if (lastError !== undefined && secrets.length === 0) throw lastError;
  return secrets;
}
