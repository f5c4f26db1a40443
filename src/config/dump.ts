// `airlock config dump`: the lines `ansible-config dump` prints for the same settings, `NAME(origin) = value` with
// Python's repr of lists and True/False/None, sorted by name, CONFIG_FILE() first.
import type { AirlockConfig } from './load.js';
import type { SettingValue } from './definitions.js';

function pythonRepr(value: SettingValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map((item) => `'${item.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
  return String(value);
}

export function dumpConfig(config: AirlockConfig, options: { onlyChanged: boolean }): string {
  const lines = [`CONFIG_FILE() = ${config.file ?? 'None'}`];
  const names = [...config.settings.keys()].sort();
  for (const name of names) {
    const setting = config.settings.get(name);
    if (setting === undefined || (options.onlyChanged && setting.origin === 'default')) continue;
    lines.push(`${name}(${setting.origin}) = ${pythonRepr(setting.value)}`);
  }
  return `${lines.join('\n')}\n`;
}
