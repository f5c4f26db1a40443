// The one YAML loader: every file Ansible reads as YAML (playbooks, roles, inventories, group_vars/host_vars,
// vars_files, -e @file) is read here, through the one input-file reader, decrypted when vaulted, and parsed with the
// schema every loader shares (yaml-schema.ts: PyYAML's resolvers, !unsafe, !vault, JSON files as JSON) by the one
// guarded parse (yaml-checked.ts), keeping node positions so that every error names file, line and column.
// Playbooks see it through YamlSource (yaml-source.ts).
import { isMap, LineCounter, type Document, type Node, type ParsedNode } from 'yaml';
import { InputError, type SourceLocation } from '../util/errors.js';
import { decryptFileText, INLINE_VAULT_ERROR } from '../vault/session.js';
import { ansibleYamlOptions } from './yaml-schema.js';
import { readInputText } from '../util/input-file.js';
import { parseCheckedYaml } from './yaml-checked.js';

export interface LoadedYaml {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
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

/**
 * Parse YAML (or JSON) text the way ansible's loader does. Syntax errors and unknown tags throw InputError; duplicate
 * keys are Ansible's warning in playbooks ('warn', the last one wins) and stay an error in inventories and vars files
 * (the default: a silently lost host variable is the usual result).
 */
export function parseYaml(text: string, file: string, duplicateKeys: 'warn' | 'error' = 'error'): LoadedYaml {
  const lineCounter = new LineCounter();
  const { doc } = parseCheckedYaml(text, file, { lineCounter, prettyErrors: false, duplicateKeys, ...ansibleYamlOptions(text, file) });
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
