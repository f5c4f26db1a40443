// Small converters from what Ansible accepts in YAML to the one shape the executor reads.
import type { NumberOrTemplate } from './types.js';
import type { YamlPath, YamlSource } from '../parsing/yaml-source.js';

/** `tags: a`, `tags: a,b`, `tags: [a, b]` -> ['a', 'b'] */
export function toTagList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => String(item).split(',')).map((tag) => tag.trim()).filter((tag) => tag !== '');
}

/** `when: x`, `when: [a, b]`, `when: true` -> conditions (Jinja expressions without braces). */
export function toConditions(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => (item === true ? 'True' : item === false ? 'False' : String(item)));
}

export function toStringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export function toEnvironment(value: unknown, source: YamlSource, at: YamlPath): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw source.error(at, `'environment' must be a mapping of variable names to values (a templated environment is not supported)`);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** A finite number, or one written as text (`"5"`, `" 2.5 "`); undefined for anything else. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : undefined;
}

/**
 * `retries`/`delay`: a number or a template, kept as written and rendered when the task runs (the executor's
 * numericKeyword). Anything else is refused at load time.
 */
export function toOptionalNumberOrTemplate(value: unknown, source: YamlSource, at: YamlPath, keyword: string): NumberOrTemplate | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.includes('{{')) return value;
  const number = numberOf(value);
  if (number === undefined) throw source.error(at, `'${keyword}' must be a number or a template, got ${JSON.stringify(value)}`);
  return number;
}

/** A number keyword that may also be written as a string of digits (`pause: "5"`); no templates. */
export function toOptionalInt(value: unknown, source: YamlSource, at: YamlPath, keyword: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = numberOf(value);
  if (number === undefined) throw source.error(at, `'${keyword}' must be a number, got ${JSON.stringify(value)} (templated values are not supported here)`);
  return number;
}

/**
 * Ansible's key=value argument syntax (`file: path=/tmp/x state=touch`), with shell-like quoting.
 * Returns the k=v pairs and the words that are not k=v (the free-form part, for command/shell).
 */
export function splitKeyValueArgs(text: string): { pairs: Record<string, string>; rest: string } {
  const pairs: Record<string, string> = {};
  const restWords: string[] = [];
  // a word: Jinja blocks (which may hold spaces), quoted strings and plain characters, glued together
  const tokens = text.match(/(?:\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|"(?:\\.|[^"\\])*"|'[^']*'|[^\s"'{]+|\{)+/g) ?? [];
  for (const token of tokens) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(token);
    if (match?.[1] !== undefined && match[2] !== undefined) pairs[match[1]] = unquote(match[2]);
    else restWords.push(token);
  }
  return { pairs, rest: restWords.join(' ') };
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    return value.slice(1, -1);
  }
  return value;
}
