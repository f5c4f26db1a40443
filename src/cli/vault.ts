// `airlock vault encrypt|decrypt|view|edit|create|rekey|encrypt_string`: ansible-vault 2.14's commands, options,
// messages and file handling, so that files go back and forth between airlock and ansible-vault unchanged.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { listSetting, stringSetting, type AirlockConfig } from '../config/load.js';
import { shlexSplit } from '../parsing/shlex.js';
import { InputError } from '../util/errors.js';
import { formatInlineVault, parseEnvelope, DEFAULT_VAULT_ID } from '../vault/format.js';
import { encryptWith, VaultKeyring, type VaultSecret } from '../vault/keyring.js';
import { promptLine, readAllStdin } from '../vault/prompt.js';
import { readInput, replaceKeepingMode, shredFile, writeOutput } from '../vault/files.js';
import { loadVaultSecrets } from '../vault/sources.js';
import { addVaultOptions, airlockConfig, vaultKeyringFrom, type VaultCliOptions } from './settings.js';

interface VaultCommandOptions extends VaultCliOptions {
  output?: string;
  encryptVaultId?: string;
  verbose?: number;
}

interface EncryptStringOptions extends VaultCommandOptions {
  prompt: boolean;
  showInput: boolean;
  name: string[];
  stdinName?: string;
}

interface RekeyOptions extends VaultCommandOptions {
  newVaultPasswordFile?: string;
  newVaultId?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const stdoutIsTty = (): boolean => process.stdout.isTTY === true;
const say = (text: string): void => void process.stderr.write(`${text}\n`);

function checkVaultIds(options: VaultCliOptions): void {
  for (const id of options.vaultId) if (id.includes(';')) throw new InputError(`'${id}' is not a valid vault id. The character ';' is not allowed in vault ids`);
}

/** Secrets to decrypt with (decrypt, view, edit, rekey); a prompt when nothing else is given. */
async function decryptKeyring(options: VaultCommandOptions, config: AirlockConfig): Promise<VaultKeyring> {
  checkVaultIds(options);
  const keyring = await vaultKeyringFrom(options, config, { autoPrompt: true });
  if (keyring.secrets.length === 0) throw new InputError("a vault password is required to use Ansible's Vault");
  return keyring;
}

/** The one secret to encrypt with (encrypt, encrypt_string, create): --encrypt-vault-id, else the only one. */
async function encryptSecret(options: VaultCommandOptions, config: AirlockConfig): Promise<VaultSecret> {
  checkVaultIds(options);
  const keyring = await vaultKeyringFrom(options, config, { autoPrompt: true, createNewPassword: true });
  const encryptVaultId = options.encryptVaultId ?? stringSetting(config, 'DEFAULT_VAULT_ENCRYPT_IDENTITY');
  if (keyring.secrets.length > 1 && encryptVaultId === undefined) {
    throw new InputError(`the vault-ids ${keyring.ids.join(',')} are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id`);
  }
  if (keyring.secrets.length === 0) throw new InputError("a vault password is required to use Ansible's Vault");
  return keyring.encryptSecret(encryptVaultId);
}

function files(args: string[]): string[] {
  return args.length === 0 ? ['-'] : args;
}

function onlyOneWithOutput(args: string[], options: VaultCommandOptions): void {
  if (options.output !== undefined && args.length > 1) throw new InputError('at most one input file may be used with the --output option');
}

async function encryptCommand(args: string[], options: VaultCommandOptions): Promise<void> {
  onlyOneWithOutput(args, options);
  const secret = await encryptSecret(options, airlockConfig());
  if (args.length === 0 && process.stdin.isTTY === true) say('Reading plaintext input from stdin');
  for (const file of files(args)) {
    const plaintext = await readInput(file);
    const envelope = encryptWith(plaintext, secret);
    await writeOutput(envelope, options.output ?? file, { shred: true });
  }
  if (stdoutIsTty()) say('Encryption successful');
}

async function decryptCommand(args: string[], options: VaultCommandOptions): Promise<void> {
  onlyOneWithOutput(args, options);
  const keyring = await decryptKeyring(options, airlockConfig());
  if (args.length === 0 && process.stdin.isTTY === true) say('Reading ciphertext input from stdin');
  for (const file of files(args)) {
    const { plaintext } = keyring.decrypt(await readInput(file), file);
    await writeOutput(plaintext, options.output ?? file, { shred: false });
  }
  if (stdoutIsTty()) say('Decryption successful');
}

function showText(text: string): void {
  const pager = process.env['PAGER'] ?? 'less';
  if (!stdoutIsTty()) {
    process.stdout.write(text);
    return;
  }
  const shown = spawnSync('/bin/sh', ['-c', pager], { input: text, stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: 'FRSX', ...process.env } });
  if (shown.error !== undefined || (shown.status !== 0 && process.env['PAGER'] === undefined)) process.stdout.write(text);
}

async function viewCommand(args: string[], options: VaultCommandOptions): Promise<void> {
  const keyring = await decryptKeyring(options, airlockConfig());
  for (const file of args) showText(keyring.decrypt(await readInput(file), file).plaintext.toString('utf8'));
}

/**
 * $EDITOR (default vi) on a 0600 file in a 0700 directory of its own; whatever happens the file is overwritten
 * and removed. The new ciphertext is written beside the target, then renamed over it (its mode kept).
 */
async function editInEditor(target: string, secret: VaultSecret, vaultId: string, existing: Buffer | undefined): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-vault-'));
  const scratch = join(dir, `edit${extname(target)}`);
  try {
    writeFileSync(scratch, existing ?? Buffer.alloc(0), { mode: 0o600, flag: 'wx' });
    const editor = shlexSplit(process.env['EDITOR'] ?? 'vi');
    if (editor.length === 0) throw new InputError('$EDITOR is empty');
    const ran = spawnSync(editor[0] as string, [...editor.slice(1), scratch], { stdio: 'inherit' });
    if (ran.error !== undefined) throw new InputError(`unable to execute the command "${[...editor, scratch].join(' ')}": ${ran.error.message}`);
    const edited = readFileSync(scratch);
    if (existing !== undefined && edited.equals(existing)) return;
    const next = join(dirname(target), `.${Date.now()}.airlock-vault.tmp`);
    await writeOutput(encryptWith(edited, secret, vaultId), next, { shred: false });
    await replaceKeepingMode(next, target);
  } finally {
    await shredFile(scratch);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function createCommand(args: string[], options: VaultCommandOptions): Promise<void> {
  if (args.length !== 1) throw new InputError('airlock vault create can take only one filename argument');
  const secret = await encryptSecret(options, airlockConfig());
  const target = resolve(args[0] as string);
  if (!existsSync(dirname(target))) {
    say(`[WARNING]: ${dirname(target)} does not exist, creating...`);
    mkdirSync(dirname(target), { recursive: true });
  }
  if (existsSync(target) && statSync(target).isFile()) throw new InputError(`${target} exists, please use 'edit' instead`);
  await editInEditor(target, secret, secret.id, undefined);
}

async function editCommand(args: string[], options: VaultCommandOptions): Promise<void> {
  const keyring = await decryptKeyring(options, airlockConfig());
  for (const file of args) {
    const target = resolve(file);
    const vaulttext = await readInput(target);
    const { plaintext, secret } = keyring.decrypt(vaulttext, target);
    // re-encrypted with the secret that opened it, under the id the file already had (as ansible-vault edit)
    const fileId = parseEnvelope(vaulttext.toString('utf8'), target).vaultId ?? DEFAULT_VAULT_ID;
    await editInEditor(target, secret, fileId, plaintext);
  }
}

async function rekeyCommand(args: string[], options: RekeyOptions): Promise<void> {
  if (options.newVaultId !== undefined && options.newVaultPasswordFile !== undefined) throw new InputError('--new-vault-id and --new-vault-password-file are mutually exclusive');
  const config = airlockConfig();
  const keyring = await decryptKeyring(options, config);
  const encryptVaultId = options.encryptVaultId ?? stringSetting(config, 'DEFAULT_VAULT_ENCRYPT_IDENTITY');
  // Ansible's rule: the configured identities count for the new secret only together with --encrypt-vault-id
  const identityList = encryptVaultId === undefined ? [] : listSetting(config, 'DEFAULT_VAULT_IDENTITY_LIST');
  const fresh = await loadVaultSecrets({
    vaultIds: [...identityList, ...(options.newVaultId === undefined ? [] : [options.newVaultId])],
    passwordFiles: options.newVaultPasswordFile === undefined ? [] : [options.newVaultPasswordFile],
    askVaultPass: options.askVaultPass || options.askVaultPassword === true,
    configPasswordFile: stringSetting(config, 'DEFAULT_VAULT_PASSWORD_FILE'),
    defaultIdentity: stringSetting(config, 'DEFAULT_VAULT_IDENTITY') ?? DEFAULT_VAULT_ID,
    createNewPassword: true,
    autoPrompt: true,
    cwd: process.cwd(),
    warn: (message) => say(`[WARNING]: ${message}`),
  });
  if (fresh.length === 0) throw new InputError("a new vault password is required to use Ansible's Vault rekey");
  const secret = new VaultKeyring(fresh).encryptSecret(encryptVaultId);
  for (const file of args) {
    const target = resolve(file);
    const { plaintext } = keyring.decrypt(await readInput(target), target);
    const next = join(dirname(target), `.${Date.now()}.airlock-vault.tmp`);
    await writeOutput(encryptWith(plaintext, secret), next, { shred: false });
    await replaceKeepingMode(next, target);
  }
  say('Rekey successful');
}

type Source = 'the command line args' | 'stdin' | 'prompt';

async function encryptStringCommand(args: string[], options: EncryptStringOptions): Promise<void> {
  // ansible-vault 2.14 refuses `-p` without arguments (it counts that as reading stdin too); airlock then only prompts
  const explicitStdin = args.includes('-') || options.stdinName !== undefined;
  if (options.prompt && explicitStdin) throw new InputError('the --prompt option is not supported if also reading input from stdin');
  const readStdin = explicitStdin || (args.length === 0 && !options.prompt);
  const secret = await encryptSecret(options, airlockConfig());
  const plaintexts: { text: string; from: Source; name: string | undefined }[] = [];
  if (options.prompt) {
    const name = await promptLine('Variable name (enter for no name): ', { hidden: false });
    const text = await promptLine(options.showInput ? 'String to encrypt:' : 'String to encrypt (hidden): ', { hidden: !options.showInput });
    if (text === undefined || text === '') throw new InputError('the plaintext provided from the prompt was empty, not encrypting');
    plaintexts.push({ text, from: 'prompt', name: name === undefined || name === '' ? undefined : name });
  } else if (readStdin) {
    if (stdoutIsTty()) say('Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)');
    const text = (await readAllStdin()).toString('utf8');
    if (text === '') throw new InputError('stdin was empty, not encrypting');
    plaintexts.push({ text, from: 'stdin', name: options.stdinName });
  }
  const values = args.filter((arg) => arg !== '-');
  if (options.name.length > 0 && values.length > options.name.length) {
    say('The number of --name options do not match the number of args.');
    say(`The last named variable will be "${options.name[options.name.length - 1]}". The rest will not have names.`);
  }
  values.forEach((text, index) => {
    if (text === '') throw new InputError('the plaintext provided from the command line args was empty, not encrypting');
    plaintexts.push({ text, from: 'the command line args', name: options.name[index] });
  });
  const outputs = plaintexts.map(({ text, from, name }, index) => {
    if (plaintexts.length > 1) {
      process.stderr.write(name !== undefined ? `# The encrypted version of variable ("${name}", the string #${index + 1} from ${from}).\n` : `# The encrypted version of the string #${index + 1} from ${from}.)\n`);
    }
    return formatInlineVault(encryptWith(Buffer.from(text, 'utf8'), secret), name);
  });
  await writeOutput(outputs.join('\n'), options.output ?? '-', { shred: true });
  if (stdoutIsTty()) say('\nEncryption successful');
}

function common(command: Command): Command {
  return addVaultOptions(command).addOption(new Option('-v, --verbose', 'ignored (accepted for ansible-vault compatibility)').argParser((_v: string, n: number) => n + 1).default(0));
}

const outputOption = (): Option => new Option('--output <file>', 'output file name for encrypt or decrypt; use - for stdout');
const encryptIdOption = (): Option => new Option('--encrypt-vault-id <id>', 'the vault id used to encrypt (required if more than one vault-id is provided)');

export function register(program: Command): void {
  const vault = program.command('vault').description('Encrypt and decrypt Ansible Vault files and strings (ansible-vault)');
  common(vault.command('create').description('create a new vault encrypted file in $EDITOR').argument('[file...]').addOption(encryptIdOption())).action(createCommand);
  common(vault.command('decrypt').description('decrypt vault encrypted files').argument('[file...]').addOption(outputOption())).action(decryptCommand);
  common(vault.command('edit').description('edit a vault encrypted file in $EDITOR').argument('[file...]').addOption(encryptIdOption())).action(editCommand);
  common(vault.command('view').description('view vault encrypted files').argument('[file...]')).action(viewCommand);
  common(vault.command('encrypt').description('encrypt files (stdin with none or -)').argument('[file...]').addOption(outputOption()).addOption(encryptIdOption())).action(encryptCommand);
  common(
    vault
      .command('encrypt_string')
      .description('encrypt strings, printed as YAML `name: !vault |` values')
      .argument('[string...]')
      .addOption(outputOption())
      .addOption(encryptIdOption())
      .option('-p, --prompt', 'prompt for the string to encrypt', false)
      .option('--show-input', 'do not hide input when prompted for the string to encrypt', false)
      .option('-n, --name <name>', 'the variable name (repeatable, one per string)', collect, [])
      .option('--stdin-name <name>', 'the variable name for stdin'),
  ).action(encryptStringCommand);
  common(
    vault
      .command('rekey')
      .description('re-encrypt vault files with a new secret')
      .argument('[file...]')
      .addOption(encryptIdOption())
      .option('--new-vault-password-file <file>', 'new vault password file for rekey')
      .option('--new-vault-id <id>', 'the new vault identity to use for rekey'),
  ).action(rekeyCommand);
}
