// The settings in force and where each came from, with Ansible's precedence: the command line (applied by each
// subcommand) > environment (ANSIBLE_*) > ansible.cfg > default. Values are converted as ansible-core's
// ensure_type does: booleans loosely (anything not true-ish is False), lists split on commas, paths with ~ and
// $VARS expanded and made absolute against the directory of the ansible.cfg that set them (the working directory
// for environment values).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, normalize, resolve } from 'node:path';
import { InputError, formatLocation } from '../util/errors.js';
import { definitionOfKey, SETTINGS, type SettingDefinition, type SettingValue } from './definitions.js';
import { findConfigFile } from './find.js';
import { iniValue, parseIni, type IniFile } from './ini.js';

export interface SettingInForce {
  definition: SettingDefinition;
  value: SettingValue;
  /** 'default', 'env: ANSIBLE_X' or the ansible.cfg path, as ansible-config dump prints it */
  origin: string;
}

export interface AirlockConfig {
  file: string | undefined;
  settings: Map<string, SettingInForce>;
  /** one per unknown or unsupported key, naming file and line */
  warnings: string[];
}

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't', '1.0']);

function unquote(text: string): string {
  return text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0] ? text.slice(1, -1) : text;
}

interface Place {
  baseDir: string;
  cwd: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

function expandPath(path: string, place: Place): string {
  let out = path.replace('{{CWD}}', place.cwd);
  out = out.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a: string | undefined, b: string | undefined) => place.env[(a ?? b) as string] ?? whole);
  if (out === '~') out = place.home;
  else if (out.startsWith('~/')) out = `${place.home}${out.slice(1)}`;
  return normalize(resolve(place.baseDir, out));
}

function convert(definition: SettingDefinition, raw: string, place: Place, where: string): SettingValue {
  switch (definition.type) {
    case 'boolean':
      return TRUE_WORDS.has(raw.trim().toLowerCase());
    case 'integer': {
      if (!/^\s*[-+]?\d+\s*$/.test(raw)) throw new InputError(`${where}: invalid type for configuration option ${definition.name}: '${raw}' is not an integer`);
      return Number(raw);
    }
    case 'string':
      return raw;
    case 'list':
      return raw.split(',').map((item) => unquote(item.trim()));
    case 'path':
      return expandPath(raw, place);
    case 'pathlist':
      return raw.split(',').map((item) => expandPath(item.trim(), place));
    case 'pathspec':
      return raw.split(':').map((item) => expandPath(item, place));
  }
}

/** Every key of the file that airlock does not use: one warning each, with its line. */
function unusedKeyWarnings(ini: IniFile): string[] {
  const warnings: string[] = [];
  for (const [section, entries] of ini.sections) {
    for (const [key, entry] of entries) {
      if (definitionOfKey(section, key) !== undefined) continue;
      warnings.push(`${formatLocation({ file: ini.file, line: entry.line })}: [${section}] ${key} is not supported by airlock; it is ignored`);
    }
  }
  return warnings;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  /** airlock's own defaults where they differ from Ansible's (DEFAULT_FORKS: 50): what is in force unless set */
  airlockDefaults?: Readonly<Record<string, SettingValue>>;
}

export function loadConfig(options: LoadConfigOptions = {}): AirlockConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? homedir();
  const found = findConfigFile(env, cwd, home);
  let ini: IniFile | undefined;
  if (found.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(found.file, 'utf8');
    } catch (error) {
      throw new InputError(`cannot read the configuration file: ${(error as Error).message}`, { file: found.file });
    }
    ini = parseIni(text, found.file);
  }
  const settings = new Map<string, SettingInForce>();
  for (const definition of SETTINGS) {
    const ours = options.airlockDefaults?.[definition.name];
    let value: SettingValue = ours !== undefined ? ours : definition.default;
    let origin = 'default';
    if (ini !== undefined) {
      for (const key of definition.ini) {
        const entry = iniValue(ini, key.section, key.key);
        if (entry === undefined) continue;
        const where = formatLocation({ file: ini.file, line: entry.line });
        value = convert(definition, entry.value, { baseDir: dirname(ini.file), cwd, home, env }, where);
        origin = ini.file;
      }
    }
    for (const name of definition.env) {
      const raw = env[name];
      if (raw === undefined) continue;
      value = convert(definition, raw, { baseDir: cwd, cwd, home, env }, `environment variable ${name}`);
      origin = `env: ${name}`;
    }
    settings.set(definition.name, { definition, value, origin });
  }
  return { file: found.file, settings, warnings: [...found.warnings, ...(ini ? unusedKeyWarnings(ini) : [])] };
}

/** Typed accessors for the subcommands. */
export function settingValue(config: AirlockConfig, name: string): SettingValue {
  const found = config.settings.get(name);
  if (found === undefined) throw new Error(`no setting ${name}`);
  return found.value;
}

export function stringSetting(config: AirlockConfig, name: string): string | undefined {
  const value = settingValue(config, name);
  return typeof value === 'string' ? value : undefined;
}

export function numberSetting(config: AirlockConfig, name: string): number | undefined {
  const value = settingValue(config, name);
  return typeof value === 'number' ? value : undefined;
}

export function booleanSetting(config: AirlockConfig, name: string): boolean {
  return settingValue(config, name) === true;
}

export function listSetting(config: AirlockConfig, name: string): string[] {
  const value = settingValue(config, name);
  return Array.isArray(value) ? value : [];
}

/** Whether the value came from the environment or ansible.cfg (not a default). */
export function isSet(config: AirlockConfig, name: string): boolean {
  return config.settings.get(name)?.origin !== 'default';
}
