// `-e` extra variables as ansible's load_extra_vars reads them: `@file` (YAML/JSON), a YAML/JSON document when the
// text starts with `{` or `[`, else `key=value key2="quoted value"` split the way ansible's parse_kv splits.
// Later -e values win. Unlike ansible we reject variable names that are not identifiers (or are Python keywords):
// such a name can never be used in a template and usually means a typo or an injection attempt.
import { resolve } from 'node:path';
import { InputError } from '../util/errors.js';
import { isIdentifier } from './python-names.js';
import type { Vars } from '../types/vars.js';
import { describeValue, loadVarsFile, nodeValue, parseYaml } from './yaml-load.js';

/** ansible's split_args for `-e` (no Jinja blocks spanning words): split on spaces, keeping quoted parts together. */
export function splitArgs(text: string): string[] {
  const params: string[] = [];
  let quote: string | undefined;
  for (const token of text.split(' ')) {
    const wasQuoted = quote !== undefined;
    for (let i = 0; i < token.length; i++) {
      const c = token[i] as string;
      if ((c === '"' || c === "'") && token[i - 1] !== '\\') {
        if (quote === undefined) quote = c;
        else if (quote === c) quote = undefined;
      }
    }
    if (wasQuoted) params[params.length - 1] += ` ${token}`;
    else if (token !== '') params.push(token);
    else if (params.length > 0) params[params.length - 1] += ' ';
  }
  if (quote !== undefined) throw new InputError(`-e ${text}: unbalanced quotes`);
  return params;
}

/** ansible's unquote: strip one pair of matching outer quotes. */
function unquote(text: string): string {
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0] && text[text.length - 2] !== '\\') {
    return text.slice(1, -1);
  }
  return text;
}

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** parse_kv's _decode_escapes. */
function decodeEscapes(text: string): string {
  return text.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\\'"abfnrtv])/g, (_m, seq: string) => {
    if (seq.length === 1) return ESCAPES[seq] ?? seq;
    return String.fromCodePoint(parseInt(seq.slice(1), 16));
  });
}

function parseKeyValues(text: string): Vars {
  const vars: Vars = {};
  for (const raw of splitArgs(text)) {
    const item = decodeEscapes(raw);
    let pos = -1;
    for (let i = 1; i < item.length; i++) {
      if (item[i] === '=' && item[i - 1] !== '\\') {
        pos = i;
        break;
      }
    }
    if (pos === -1) throw new InputError(`-e ${text}: '${raw}' is not key=value (for a file, write -e @FILE; for YAML or JSON, start with { or [)`);
    Object.defineProperty(vars, item.slice(0, pos).trim(), { value: unquote(item.slice(pos + 1).trim()), enumerable: true, writable: true, configurable: true });
  }
  return vars;
}

function checkNames(vars: Vars, origin: string): void {
  for (const name of Object.keys(vars)) {
    if (!isIdentifier(name)) {
      throw new InputError(`${origin}: invalid variable name ${JSON.stringify(name)}: names must be identifiers (letters, digits, _; not starting with a digit) and not Python keywords`);
    }
  }
}

export async function parseExtraVars(values: string[], cwd: string): Promise<Vars> {
  let result: Vars = {};
  for (const value of values) {
    if (value === '') continue;
    let data: unknown;
    if (value.startsWith('@')) {
      const path = resolve(cwd, value.slice(1));
      data = (await loadVarsFile(path)) ?? {};
    } else if (value.startsWith('/') || value.startsWith('.')) {
      throw new InputError(`-e ${value}: to read variables from a file, write -e @${value}`);
    } else if (value.startsWith('{') || value.startsWith('[')) {
      const loaded = parseYaml(value, '-e');
      data = nodeValue(loaded, loaded.doc.contents);
    } else {
      data = parseKeyValues(value);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new InputError(`-e ${value}: extra vars must be a mapping of names to values, got ${describeValue(data)}`);
    }
    checkNames(data as Vars, `-e ${value}`);
    result = { ...result, ...(data as Vars) };
  }
  return result;
}
