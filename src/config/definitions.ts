// The ansible.cfg settings airlock has an equivalent for, with the names, [section] keys, environment variables,
// types and defaults of ansible-core 2.14's lib/ansible/config/base.yml (a unit test checks them against it).
// Where airlock's own default differs (forks), the CLI passes it to loadConfig as what is in force without a setting.
// `extra` lists the ssh connection plugin's keys for the same thing ([ssh_connection] timeout, ...), read after the
// base ones so that they win, as the ssh plugin does.
import { homedir } from 'node:os';
import { join } from 'node:path';

export type SettingType = 'boolean' | 'integer' | 'string' | 'list' | 'path' | 'pathlist' | 'pathspec';
export type SettingValue = string | number | boolean | string[] | null;

export interface IniKey {
  section: string;
  key: string;
}

export interface SettingDefinition {
  /** the name ansible-config dump prints */
  name: string;
  type: SettingType;
  /** Ansible's default */
  default: SettingValue;
  env: string[];
  ini: IniKey[];
  /** what airlock does with it, for `airlock config dump` readers and the README */
  use: string;
}

const ansibleHome = join(homedir(), '.ansible');
const defaults = (key: string): IniKey => ({ section: 'defaults', key });
const escalation = (key: string): IniKey => ({ section: 'privilege_escalation', key });
const ssh = (key: string): IniKey => ({ section: 'ssh_connection', key });

export const SETTINGS: readonly SettingDefinition[] = [
  { name: 'CALLBACKS_ENABLED', type: 'list', default: [], env: ['ANSIBLE_CALLBACK_WHITELIST', 'ANSIBLE_CALLBACKS_ENABLED'], ini: [defaults('callback_whitelist'), defaults('callbacks_enabled')], use: 'profile_tasks / timer: per-task durations and the run time in the output' },
  { name: 'DEFAULT_ASK_VAULT_PASS', type: 'boolean', default: false, env: ['ANSIBLE_ASK_VAULT_PASS'], ini: [defaults('ask_vault_pass')], use: '--ask-vault-pass' },
  { name: 'DEFAULT_BECOME', type: 'boolean', default: false, env: ['ANSIBLE_BECOME'], ini: [escalation('become')], use: "a play's become when it sets none" },
  { name: 'DEFAULT_BECOME_METHOD', type: 'string', default: 'sudo', env: ['ANSIBLE_BECOME_METHOD'], ini: [escalation('become_method')], use: 'only sudo is supported; anything else is an error' },
  { name: 'DEFAULT_BECOME_USER', type: 'string', default: 'root', env: ['ANSIBLE_BECOME_USER'], ini: [escalation('become_user')], use: "a play's become_user when it sets none" },
  { name: 'DEFAULT_FORCE_HANDLERS', type: 'boolean', default: false, env: ['ANSIBLE_FORCE_HANDLERS'], ini: [defaults('force_handlers')], use: '--force-handlers' },
  { name: 'DEFAULT_FORKS', type: 'integer', default: 5, env: ['ANSIBLE_FORKS'], ini: [defaults('forks')], use: '--forks' },
  { name: 'DEFAULT_HOST_LIST', type: 'pathlist', default: ['/etc/ansible/hosts'], env: ['ANSIBLE_INVENTORY'], ini: [defaults('inventory')], use: '-i when none is given' },
  { name: 'DEFAULT_PRIVATE_KEY_FILE', type: 'path', default: null, env: ['ANSIBLE_PRIVATE_KEY_FILE'], ini: [defaults('private_key_file')], use: 'the SSH key of hosts without ansible_private_key_file' },
  { name: 'DEFAULT_REMOTE_PORT', type: 'integer', default: null, env: ['ANSIBLE_REMOTE_PORT'], ini: [defaults('remote_port')], use: 'the SSH port of hosts without ansible_port' },
  { name: 'DEFAULT_REMOTE_USER', type: 'string', default: null, env: ['ANSIBLE_REMOTE_USER'], ini: [defaults('remote_user')], use: 'the SSH user of hosts without ansible_user' },
  { name: 'DEFAULT_ROLES_PATH', type: 'pathspec', default: [join(ansibleHome, 'roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'], env: ['ANSIBLE_ROLES_PATH'], ini: [defaults('roles_path')], use: 'where roles are looked for (after <playbook dir>/roles)' },
  { name: 'DEFAULT_STDOUT_CALLBACK', type: 'string', default: 'default', env: ['ANSIBLE_STDOUT_CALLBACK'], ini: [defaults('stdout_callback')], use: 'json: the JSON report on stdout instead of the terminal output' },
  { name: 'DEFAULT_TIMEOUT', type: 'integer', default: 10, env: ['ANSIBLE_TIMEOUT', 'ANSIBLE_SSH_TIMEOUT'], ini: [defaults('timeout'), ssh('timeout')], use: '--connect-timeout' },
  { name: 'DEFAULT_VAULT_ENCRYPT_IDENTITY', type: 'string', default: null, env: ['ANSIBLE_VAULT_ENCRYPT_IDENTITY'], ini: [defaults('vault_encrypt_identity')], use: 'airlock vault --encrypt-vault-id' },
  { name: 'DEFAULT_VAULT_IDENTITY', type: 'string', default: 'default', env: ['ANSIBLE_VAULT_IDENTITY'], ini: [defaults('vault_identity')], use: 'the vault id of unlabelled password sources' },
  { name: 'DEFAULT_VAULT_IDENTITY_LIST', type: 'list', default: [], env: ['ANSIBLE_VAULT_IDENTITY_LIST'], ini: [defaults('vault_identity_list')], use: '--vault-id sources tried before the command line ones' },
  // base.yml gives it no type, so Ansible 2.14 keeps the text: ANY non-empty value, 'False' included, turns it on
  { name: 'DEFAULT_VAULT_ID_MATCH', type: 'string', default: false, env: ['ANSIBLE_VAULT_ID_MATCH'], ini: [defaults('vault_id_match')], use: 'decrypt only with the secret whose vault id the file names' },
  { name: 'DEFAULT_VAULT_PASSWORD_FILE', type: 'path', default: null, env: ['ANSIBLE_VAULT_PASSWORD_FILE'], ini: [defaults('vault_password_file')], use: '--vault-password-file, after the command line ones' },
  { name: 'HOST_KEY_CHECKING', type: 'boolean', default: true, env: ['ANSIBLE_HOST_KEY_CHECKING', 'ANSIBLE_SSH_HOST_KEY_CHECKING'], ini: [defaults('host_key_checking'), ssh('host_key_checking')], use: 'False: --accept-new-host-keys (a CHANGED key is still refused)' },
  { name: 'RETRY_FILES_ENABLED', type: 'boolean', default: false, env: ['ANSIBLE_RETRY_FILES_ENABLED'], ini: [defaults('retry_files_enabled')], use: 'write <playbook>.retry with the failed and unreachable hosts' },
  { name: 'RETRY_FILES_SAVE_PATH', type: 'path', default: null, env: ['ANSIBLE_RETRY_FILES_SAVE_PATH'], ini: [defaults('retry_files_save_path')], use: 'where the .retry file goes (default: beside the playbook)' },
];

/** [section] key -> its definition, for warnings about keys airlock does not use. */
export function definitionOfKey(section: string, key: string): SettingDefinition | undefined {
  return SETTINGS.find((definition) => definition.ini.some((entry) => entry.section === section && entry.key === key));
}

export function definition(name: string): SettingDefinition {
  const found = SETTINGS.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no setting ${name}`);
  return found;
}
