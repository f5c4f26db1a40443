// ansible.cfg / ANSIBLE_* applied to `airlock run`: a setting counts only where the command line left the option
// alone (command line > environment > ansible.cfg > default, Ansible's precedence).
import type { Command } from 'commander';
import type { Vars } from '../inventory/types.js';
import { booleanSetting, isSet, listSetting, numberSetting, settingValue, stringSetting, type AirlockConfig } from '../config/load.js';
import { InputError } from '../util/errors.js';

/** What the run takes from the configuration beyond its own options. */
export interface RunSettings {
  /** connection variables below every host's own: ansible_user, ansible_private_key_file, ansible_port */
  defaultVars: Vars;
  playDefaults: { become?: boolean; becomeUser?: string };
  rolesPath?: string[];
  /** where to write <playbook>.retry, when retry_files_enabled */
  retryFiles?: { saveDir: string | undefined };
  /** stdout_callback = json: the JSON report on stdout instead of the terminal output */
  jsonOnStdout: boolean;
  /** callbacks_enabled profile_tasks / timer: show each task's duration */
  timings: boolean;
}

/** Options of `airlock run` that the configuration can set; `fromCommandLine(name)` says if the user gave it. */
export interface ConfigurableRunOptions {
  inventory: string[];
  forks: number;
  connectTimeout?: number;
  acceptNewHostKeys: boolean;
  forceHandlers: boolean;
}

const SUPPORTED_STDOUT_CALLBACKS = new Set(['default', 'json', 'ansible.builtin.default', 'ansible.builtin.json', 'ansible.posix.json']);
const TIMING_CALLBACKS = new Set(['profile_tasks', 'timer', 'ansible.posix.profile_tasks', 'ansible.posix.timer']);

export function applyRunConfig<T extends ConfigurableRunOptions>(options: T, config: AirlockConfig, fromCommandLine: (option: string) => boolean, warn: (message: string) => void): { options: T; settings: RunSettings } {
  const out: T = { ...options };
  if (!fromCommandLine('inventory') && isSet(config, 'DEFAULT_HOST_LIST')) out.inventory = listSetting(config, 'DEFAULT_HOST_LIST');
  const forks = numberSetting(config, 'DEFAULT_FORKS');
  if (!fromCommandLine('forks') && isSet(config, 'DEFAULT_FORKS') && forks !== undefined) {
    if (forks < 1) throw new InputError(`forks must be a positive integer, got ${forks} (${config.settings.get('DEFAULT_FORKS')?.origin})`);
    out.forks = forks;
  }
  const timeout = numberSetting(config, 'DEFAULT_TIMEOUT');
  if (!fromCommandLine('connectTimeout') && isSet(config, 'DEFAULT_TIMEOUT') && timeout !== undefined && timeout > 0) out.connectTimeout = timeout;
  if (!fromCommandLine('acceptNewHostKeys') && isSet(config, 'HOST_KEY_CHECKING') && !booleanSetting(config, 'HOST_KEY_CHECKING')) out.acceptNewHostKeys = true;
  if (!fromCommandLine('forceHandlers') && booleanSetting(config, 'DEFAULT_FORCE_HANDLERS')) out.forceHandlers = true;

  const method = stringSetting(config, 'DEFAULT_BECOME_METHOD');
  if (method !== undefined && method !== 'sudo') throw new InputError(`become_method ${method} (${config.settings.get('DEFAULT_BECOME_METHOD')?.origin}) is not supported by airlock: only sudo`);

  const defaultVars: Vars = {};
  const user = stringSetting(config, 'DEFAULT_REMOTE_USER');
  if (user !== undefined && user !== '') defaultVars['ansible_user'] = user;
  const key = stringSetting(config, 'DEFAULT_PRIVATE_KEY_FILE');
  if (key !== undefined) defaultVars['ansible_private_key_file'] = key;
  const port = numberSetting(config, 'DEFAULT_REMOTE_PORT');
  if (port !== undefined) defaultVars['ansible_port'] = port;

  const playDefaults: RunSettings['playDefaults'] = {};
  if (isSet(config, 'DEFAULT_BECOME')) playDefaults.become = booleanSetting(config, 'DEFAULT_BECOME');
  if (isSet(config, 'DEFAULT_BECOME_USER')) playDefaults.becomeUser = stringSetting(config, 'DEFAULT_BECOME_USER') as string;

  const stdoutCallback = String(settingValue(config, 'DEFAULT_STDOUT_CALLBACK'));
  if (!SUPPORTED_STDOUT_CALLBACKS.has(stdoutCallback)) warn(`stdout_callback ${stdoutCallback} is not supported by airlock (only default and json); using airlock's own output`);
  const callbacks = listSetting(config, 'CALLBACKS_ENABLED').filter((name) => name !== '');
  for (const name of callbacks) if (!TIMING_CALLBACKS.has(name)) warn(`callback ${name} (callbacks_enabled) is not supported by airlock; only profile_tasks and timer are, as built-in timings`);

  const settings: RunSettings = {
    defaultVars,
    playDefaults,
    jsonOnStdout: stdoutCallback.endsWith('json'),
    timings: callbacks.some((name) => TIMING_CALLBACKS.has(name)),
    ...(isSet(config, 'DEFAULT_ROLES_PATH') ? { rolesPath: listSetting(config, 'DEFAULT_ROLES_PATH') } : {}),
    ...(booleanSetting(config, 'RETRY_FILES_ENABLED') ? { retryFiles: { saveDir: stringSetting(config, 'RETRY_FILES_SAVE_PATH') } } : {}),
  };
  return { options: out, settings };
}

/** commander's record of where an option's value came from. */
export function givenOnCommandLine(command: Command): (option: string) => boolean {
  return (option) => command.getOptionValueSource(option) === 'cli';
}
