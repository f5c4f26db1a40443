// `airlock config dump`: the lines `ansible-config dump` prints for the same settings, `NAME(origin) = value` with
// Python's repr of lists and True/False/None, sorted by name (CONFIG_FILE() among them).
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
  const lines = new Map<string, string>([['CONFIG_FILE', `CONFIG_FILE() = ${config.file ?? 'None'}`]]);
  for (const [name, setting] of config.settings) {
    if (options.onlyChanged && setting.origin === 'default') continue;
    lines.set(name, `${name}(${setting.origin}) = ${pythonRepr(setting.value)}`);
  }
  const sorted = [...lines.keys()].sort().map((name) => lines.get(name) as string);
  return `${sorted.join('\n')}\n`;
}
