// ansible.cfg as Python's configparser reads it for Ansible (ConfigParser(inline_comment_prefixes=(';',)), strict,
// values taken raw, so `%(name)s` is NOT interpolated):
// - `[section]` headers; a line before the first one is an error; a repeated section or option is an error;
// - `key = value` or `key: value` (the first `=` or `:`), keys lower-cased, both sides stripped;
// - whole-line comments start with `#` or `;` (after indentation); an inline comment is `;` after whitespace
//   (`#` inside a value is part of it);
// - a line indented deeper than its option's line continues the value (joined with "\n");
// - [DEFAULT] options are seen in every section.
import { InputError } from '../util/errors.js';

export interface IniEntry {
  value: string;
  /** 1-based line of `key = ...` */
  line: number;
}

export interface IniFile {
  file: string;
  /** section -> key -> entry, in file order ([DEFAULT] kept as its own section) */
  sections: Map<string, Map<string, IniEntry>>;
}

const SECTION = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

function withoutComment(line: string): { text: string; comment: boolean } {
  const stripped = line.trim();
  if (stripped.startsWith('#') || stripped.startsWith(';')) return { text: '', comment: true };
  for (let i = 1; i < line.length; i += 1) {
    if (line[i] === ';' && /\s/.test(line[i - 1] as string)) return { text: line.slice(0, i).trim(), comment: true };
  }
  return { text: stripped, comment: false };
}

export function parseIni(text: string, file: string): IniFile {
  const sections = new Map<string, Map<string, IniEntry>>();
  let section: Map<string, IniEntry> | undefined;
  let current: { entry: IniEntry; lines: string[] } | undefined;
  let indent = 0;
  const finish = (): void => {
    if (current) {
      while (current.lines.length > 1 && current.lines[current.lines.length - 1] === '') current.lines.pop();
      current.entry.value = current.lines.join('\n');
    }
    current = undefined;
  };
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const { text: value, comment } = withoutComment(raw);
    if (value === '') {
      // a blank line inside a value is kept (configparser's empty_lines_in_values); a comment line is not
      if (!comment && current) current.lines.push('');
      else indent = Number.MAX_SAFE_INTEGER;
      return;
    }
    const level = raw.length - raw.trimStart().length;
    if (current && level > indent) {
      current.lines.push(value);
      return;
    }
    finish();
    indent = level;
    const header = SECTION.exec(value);
    if (header) {
      const name = header[1] as string;
      if (sections.has(name)) throw new InputError(`section [${name}] appears twice (configparser, and so Ansible, refuses this file)`, { file, line });
      section = new Map();
      sections.set(name, section);
      return;
    }
    if (section === undefined) throw new InputError(`'${value}' comes before any [section] header`, { file, line });
    const option = OPTION.exec(value);
    const key = option ? (option[1] as string).trimEnd().toLowerCase() : '';
    if (!option || key === '') throw new InputError(`'${value}' is not 'key = value' (nor a [section])`, { file, line });
    if (section.has(key)) throw new InputError(`option '${key}' appears twice in its section (configparser, and so Ansible, refuses this file)`, { file, line });
    const entry: IniEntry = { value: '', line };
    section.set(key, entry);
    current = { entry, lines: [(option[3] as string).trim()] };
  });
  finish();
  return { file, sections };
}

/** configparser's get(section, key): the section's own entry, else [DEFAULT]'s. */
export function iniValue(ini: IniFile, section: string, key: string): IniEntry | undefined {
  return ini.sections.get(section)?.get(key) ?? ini.sections.get('DEFAULT')?.get(key);
}
