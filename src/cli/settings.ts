// What every subcommand that reads inventories or vaulted files shares: ansible.cfg (read once per process, its
// warnings printed once) and the vault options of ansible-playbook, turned into the keyring the loaders use.
import { Option, type Command } from 'commander';
import { booleanSetting, listSetting, loadConfig, settingValue, stringSetting, type AirlockConfig } from '../config/load.js';
import { DEFAULT_FORKS } from '../executor/deps.js';
import { VaultKeyring } from '../vault/keyring.js';
import { useVaultKeyring } from '../vault/session.js';
import { loadVaultSecrets } from '../vault/sources.js';

/** Where airlock's defaults differ from Ansible's, `config dump` shows airlock's: what is really in force. */
export const AIRLOCK_DEFAULTS = { DEFAULT_FORKS } as const;

let loaded: AirlockConfig | undefined;
let warned = false;

export function printConfigWarnings(config: AirlockConfig): void {
  if (warned) return;
  warned = true;
  for (const warning of config.warnings) process.stderr.write(`[WARNING]: ${warning}\n`);
}

/** ansible.cfg and ANSIBLE_* of this process, read on first use. */
export function airlockConfig(): AirlockConfig {
  if (loaded === undefined) {
    loaded = loadConfig({ airlockDefaults: AIRLOCK_DEFAULTS });
    printConfigWarnings(loaded);
  }
  return loaded;
}

export interface VaultCliOptions {
  vaultId: string[];
  vaultPasswordFile: string[];
  vaultPassFile?: string[];
  askVaultPass: boolean;
  askVaultPassword?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** --vault-id, --vault-password-file (--vault-pass-file), --ask-vault-pass (--ask-vault-password), as Ansible's CLI. */
export function addVaultOptions(command: Command): Command {
  return command
    .option('--vault-id <id>', "a vault identity: [label@]FILE, [label@]SCRIPT or [label@]prompt (repeatable)", collect, [])
    .option('--vault-password-file <file>', 'vault password file or script (repeatable)', collect, [])
    .addOption(new Option('--vault-pass-file <file>').argParser(collect).default([]).hideHelp())
    .option('--ask-vault-pass', 'ask for the vault password', false)
    .addOption(new Option('--ask-vault-password').default(false).hideHelp());
}

/** Ansible's reading of vault_id_match: on when set to anything non-empty (it has no type), with a warning for 'no'. */
function vaultIdMatch(config: AirlockConfig): boolean {
  const value = settingValue(config, 'DEFAULT_VAULT_ID_MATCH');
  if (typeof value !== 'string') return value === true;
  if (/^(false|no|off|0|n|f)$/i.test(value.trim())) {
    process.stderr.write(`[WARNING]: vault_id_match = ${value} (${config.settings.get('DEFAULT_VAULT_ID_MATCH')?.origin}) turns vault id matching ON, as in Ansible 2.14 (any non-empty value does); remove the setting to turn it off\n`);
  }
  return value !== '';
}

/** The secrets the options and the configuration name, in Ansible's order; `autoPrompt` as ansible-vault does. */
export async function vaultKeyringFrom(options: VaultCliOptions, config: AirlockConfig, extra: { autoPrompt?: boolean; createNewPassword?: boolean } = {}): Promise<VaultKeyring> {
  const secrets = await loadVaultSecrets({
    vaultIds: options.vaultId,
    passwordFiles: [...options.vaultPasswordFile, ...(options.vaultPassFile ?? [])],
    askVaultPass: options.askVaultPass || options.askVaultPassword === true || booleanSetting(config, 'DEFAULT_ASK_VAULT_PASS'),
    identityList: listSetting(config, 'DEFAULT_VAULT_IDENTITY_LIST'),
    configPasswordFile: stringSetting(config, 'DEFAULT_VAULT_PASSWORD_FILE'),
    defaultIdentity: stringSetting(config, 'DEFAULT_VAULT_IDENTITY') ?? 'default',
    ...extra,
    cwd: process.cwd(),
    warn: (message) => process.stderr.write(`[WARNING]: ${message}\n`),
  });
  return new VaultKeyring(secrets, { idMatch: vaultIdMatch(config) });
}

/** Loads the secrets and installs them for every loader of this process. */
export async function setUpVault(options: VaultCliOptions): Promise<VaultKeyring> {
  const keyring = await vaultKeyringFrom(options, airlockConfig());
  useVaultKeyring(keyring);
  return keyring;
}
