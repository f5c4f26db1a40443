// YAML as ansible reads it: PyYAML's YAML 1.1 resolvers (yes/no/on/off are booleans, 0755 is octal, 1:30 is 90,
// 1e5 stays a string, dates become ISO strings), ansible's !unsafe tag, JSON files read as JSON. Parsed with the
// `yaml` package keeping node positions so that every error names file, line and column.
import { isMap, LineCounter, type Document, type Node, type ParsedNode, type ScalarTag, type Tags } from 'yaml';
import { InputError, type SourceLocation } from '../util/errors.js';
import { decryptFileText, INLINE_VAULT_ERROR, vaultYamlTag } from '../vault/session.js';
import { readInputText } from '../util/input-file.js';
import { parseCheckedYaml } from '../util/yaml-checked.js';

export interface LoadedYaml {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

function signed(text: string): { sign: number; body: string } {
  if (text.startsWith('-')) return { sign: -1, body: text.slice(1) };
  if (text.startsWith('+')) return { sign: 1, body: text.slice(1) };
  return { sign: 1, body: text };
}

function sexagesimal(body: string): number {
  return body.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

/** PyYAML's construct_yaml_timestamp, then ansible's JSON encoder (date/datetime.isoformat()). */
function isoTimestamp(text: string): string {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?(?:[ \t]*(Z|[-+]\d{1,2}(?::\d{2})?))?)?$/.exec(text);
  if (!m) return text;
  const two = (v: string | undefined): string => (v ?? '0').padStart(2, '0');
  const date = `${m[1]}-${two(m[2])}-${two(m[3])}`;
  if (m[4] === undefined) return date;
  let out = `${date}T${two(m[4])}:${m[5]}:${m[6]}`;
  const fraction = (m[7] ?? '').slice(0, 6).padEnd(6, '0');
  if (Number(fraction) !== 0) out += `.${fraction}`;
  const tz = m[8];
  if (tz === 'Z') out += '+00:00';
  else if (tz !== undefined) {
    const [hours, minutes] = tz.slice(1).split(':');
    out += `${tz[0]}${two(hours)}:${two(minutes)}`;
  }
  return out;
}

// In PyYAML's order: the first resolver whose expression matches a plain scalar decides its type.
const pyyamlTags: ScalarTag[] = [
  {
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    resolve: (s) => ['yes', 'true', 'on'].includes(s.toLowerCase()),
  },
  {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    resolve: (s) => {
      const { sign, body } = signed(s.replace(/_/g, '').toLowerCase());
      if (body === '.inf') return sign * Infinity;
      if (body === '.nan') return NaN;
      if (body.includes(':')) return sign * sexagesimal(body);
      return sign * Number(body);
    },
  },
  {
    tag: 'tag:yaml.org,2002:int',
    default: true,
    test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    resolve: (s) => {
      const { sign, body } = signed(s.replace(/_/g, ''));
      if (body === '0') return 0;
      if (body.startsWith('0b')) return sign * parseInt(body.slice(2), 2);
      if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16);
      if (body.startsWith('0')) return sign * parseInt(body, 8);
      if (body.includes(':')) return sign * sexagesimal(body);
      return sign * Number(body);
    },
  },
  {
    tag: 'tag:yaml.org,2002:null',
    default: true,
    test: /^(?:~|null|Null|NULL|)$/,
    resolve: () => null,
  },
  {
    tag: 'tag:yaml.org,2002:timestamp',
    default: true,
    test: /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    resolve: isoTimestamp,
  },
  // ansible's `!unsafe` marks a string that must never be templated; its value is the plain string.
  { tag: '!unsafe', resolve: (s) => s },
];

function pyyamlSchema(tags: Tags): Tags {
  return [...tags, ...pyyamlTags];
}

function locationOf(loaded: Pick<LoadedYaml, 'file' | 'lineCounter'>, offset: number): SourceLocation {
  const { line, col } = loaded.lineCounter.linePos(offset);
  return { file: loaded.file, line, column: col };
}

/** Where a node starts, for error messages. */
export function nodeLocation(loaded: LoadedYaml, node: Node | ParsedNode | null | undefined): SourceLocation {
  const offset = node?.range?.[0];
  return offset === undefined ? { file: loaded.file } : locationOf(loaded, offset);
}

/** Parse YAML (or JSON) text the way ansible's loader does. Syntax errors, duplicate keys and unknown tags throw InputError. */
export function parseYaml(text: string, file: string): LoadedYaml {
  const lineCounter = new LineCounter();
  // ansible tries JSON first; a JSON document keeps JSON's number rules (1e5 is a float there, a string in YAML 1.1)
  let isJson = false;
  if (/^\s*[[{]/.test(text)) {
    try {
      JSON.parse(text);
      isJson = true;
    } catch {
      isJson = false;
    }
  }
  // duplicate keys stay an error in inventories and vars files (a silently lost host variable is the usual result)
  const { doc } = parseCheckedYaml(text, file, {
    lineCounter,
    prettyErrors: false,
    merge: true,
    duplicateKeys: 'error',
    ...(isJson ? { schema: 'json' } : { version: '1.1', schema: 'failsafe', customTags: (tags: Tags) => [...pyyamlSchema(tags), vaultYamlTag(file)] }),
  });
  const loaded: LoadedYaml = { file, doc, lineCounter };
  const problem = doc.errors[0];
  if (problem) {
    const what = problem.message.split('\n')[0] ?? problem.message;
    throw new InputError(what.startsWith(INLINE_VAULT_ERROR) ? what : `invalid YAML: ${what}`, locationOf(loaded, problem.pos[0]));
  }
  return loaded;
}

/** The plain JS value of a node (anchors and merges resolved). */
export function nodeValue(loaded: LoadedYaml, node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (typeof node === 'object' && 'toJS' in node && typeof (node as Node).toJS === 'function') {
    return (node as Node).toJS(loaded.doc, { maxAliasCount: -1 });
  }
  return node;
}

export async function readText(path: string, location?: SourceLocation): Promise<string> {
  return decryptFileText(await readInputText(path, location === undefined ? {} : { namedAt: location }), path);
}

/**
 * A vars file (group_vars/, host_vars/, -e @file): a mapping, or nothing when the file is empty.
 * ansible fails on anything else ("expected dicts"), so do we, with the place.
 */
export async function loadVarsFile(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readText(path);
  const loaded = parseYaml(text, path);
  const root = loaded.doc.contents;
  if (root === null) return undefined;
  const value = nodeValue(loaded, root);
  if (value === null || value === undefined) return undefined;
  if (!isMap(root) || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`a vars file must be a mapping of variable names to values, got ${describeValue(value)}`, nodeLocation(loaded, root));
  }
  return value as Record<string, unknown>;
}

/** 'a list', 'a string', ... for messages that say what was found. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string ('${value.length > 40 ? `${value.slice(0, 40)}...` : value}')`;
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}
