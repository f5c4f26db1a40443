// Parsing a YAML document with the guards both of airlock's YAML loaders (playbooks, inventories/vars) need, in
// one place:
//   - nesting depth, checked on the parser's token tree BEFORE composing: the `yaml` package's composer recurses and
//     a 5,000-level document ends in "Maximum call stack size exceeded";
//   - alias expansion, counted node by node with the alias named by line and column (the package's own check
//     throws a bare ReferenceError from toJS, with no place);
//   - unknown tags (`!!python/object/apply:...`, any tag no handler is registered for) refused, as Ansible refuses
//     them, instead of being dropped with their value kept;
//   - duplicate keys found in one linear pass: the package's `uniqueKeys` check compares every key with every
//     earlier one, so 30,000 vars took 22 s and a 60 MB playbook would take hours.
// Syntax errors are left in `doc.errors` for the caller, which words them for its kind of file.
import { Composer, Document, isAlias, isCollection, isMap, isPair, isScalar, LineCounter, Parser, type CST, type DocumentOptions, type Node, type ParseOptions, type SchemaOptions } from 'yaml';
import { InputError, type SourceLocation } from './errors.js';
import { inputLimits, limitNote } from './limits.js';
import { warn } from './warnings.js';

/** What a repeated key in one mapping does: an error (inventories), or Ansible's warning and the last value wins. */
export type DuplicateKeys = 'error' | 'warn';

export type CheckedYamlOptions = ParseOptions & DocumentOptions & SchemaOptions & { duplicateKeys: DuplicateKeys };

export interface CheckedYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

function at(file: string, lines: LineCounter, offset: number): SourceLocation {
  const { line, col } = lines.linePos(offset);
  return { file, line, column: col };
}

/** The children of a token-tree node, each one level deeper (a mapping's keys and values, a sequence's items). */
function childTokens(token: CST.Token): CST.Token[] {
  switch (token.type) {
    case 'document':
      return token.value === undefined ? [] : [token.value];
    case 'block-map':
    case 'block-seq':
    case 'flow-collection':
      return token.items.flatMap((item) => [item.key, item.value].filter((child): child is CST.Token => child !== undefined && child !== null));
    default:
      return [];
  }
}

/** Iterative, so that the check itself cannot overflow the stack it protects. */
function checkTokenDepth(tokens: readonly CST.Token[], file: string, lines: LineCounter, limit: number): void {
  const stack: Array<{ token: CST.Token; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { token, depth } = next;
    const isCollectionToken = token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
    const level = isCollectionToken ? depth + 1 : depth;
    if (level > limit) {
      throw new InputError(`YAML nested deeper than allowed: ${limitNote('yamlDepth', limit)}`, at(file, lines, token.offset));
    }
    for (const child of childTokens(token)) stack.push({ token: child, depth: level });
  }
}

interface Expansion {
  /** nodes the value stands for once every alias is replaced by what it names */
  size: number;
  /** nesting levels of that expanded value */
  height: number;
}

/**
 * Counts what aliases add: an alias costs the size of what it names, computed once per anchored node, so the count
 * is linear in the document while the expansion it measures may be exponential (the "billion laughs").
 */
class AliasBudget {
  private added = 0;
  private readonly anchors = new Map<string, Node>();
  private readonly done = new Map<Node, Expansion>();

  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly limits: { nodes: number; depth: number },
  ) {}

  measure(node: unknown, depth: number): Expansion {
    if (isPair(node)) {
      const key = this.measure(node.key, depth);
      const value = this.measure(node.value, depth);
      return { size: key.size + value.size, height: Math.max(key.height, value.height) };
    }
    if (isAlias(node)) return this.alias(node, depth);
    if (node === null || typeof node !== 'object') return { size: 0, height: 0 };
    const known = this.done.get(node as Node);
    if (known !== undefined) return known;
    const anchor = (node as Node & { anchor?: string }).anchor;
    if (anchor !== undefined) this.anchors.set(anchor, node as Node);
    let result: Expansion = { size: 1, height: 0 };
    if (isCollection(node)) {
      let size = 1;
      let height = 0;
      for (const item of node.items) {
        const child = this.measure(item, depth + 1);
        size += child.size;
        height = Math.max(height, child.height);
      }
      result = { size, height: height + 1 };
    }
    this.done.set(node as Node, result);
    return result;
  }

  private alias(node: Node & { source: string }, depth: number): Expansion {
    const target = this.anchors.get(node.source);
    // an unknown anchor is the composer's error, reported with the syntax errors; a recursive alias (inside its own
    // anchor) is one reference, not an expansion
    const named = target === undefined ? undefined : this.done.get(target);
    if (named === undefined) return { size: 1, height: 0 };
    this.added += named.size;
    const place = at(this.file, this.lines, node.range?.[0] ?? 0);
    if (this.added > this.limits.nodes) {
      throw new InputError(`YAML aliases expand this document by more than ${this.limits.nodes} nodes (an alias bomb?): ${limitNote('yamlAliasNodes', this.limits.nodes)}`, place);
    }
    if (depth + named.height > this.limits.depth) {
      throw new InputError(`YAML alias *${node.source} nests the document deeper than allowed: ${limitNote('yamlDepth', this.limits.depth)}`, place);
    }
    return named;
  }
}

function keyIdentity(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const value = key.value;
  // `<<` merges are not keys of the mapping; PyYAML resolves them before it looks for duplicates
  if (value === '<<' || (typeof value === 'object' && value !== null)) return undefined;
  return `${typeof value}:${String(value)}`;
}

/** One pass over every mapping, a Set per mapping: linear in the number of keys. */
function checkDuplicateKeys(doc: Document.Parsed, file: string, lines: LineCounter, policy: DuplicateKeys): void {
  const pending: unknown[] = [doc.contents];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (isPair(node)) {
      pending.push(node.value, node.key);
      continue;
    }
    if (!isCollection(node)) continue;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const identity = keyIdentity(pair.key);
        if (identity === undefined) continue;
        if (!seen.has(identity)) {
          seen.add(identity);
          continue;
        }
        const name = String((pair.key as { value: unknown }).value);
        if (policy === 'error') {
          throw new InputError(`invalid YAML: duplicate key '${name}' (ansible would silently keep the last one)`, at(file, lines, (pair.key as Node).range?.[0] ?? 0));
        }
        // Ansible's own words and place (the mapping's start)
        const { line, col } = lines.linePos(node.range?.[0] ?? 0);
        warn(`While constructing a mapping from ${file}, line ${line}, column ${col}, found a duplicate dict key (${name}). Using last defined value only.`);
      }
    }
    for (let i = node.items.length - 1; i >= 0; i -= 1) pending.push(node.items[i]);
  }
}

function refuseUnknownTags(doc: Document.Parsed, file: string, lines: LineCounter): void {
  const unresolved = doc.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (unresolved === undefined) return;
  const tag = /Unresolved tag: (.*)/.exec(unresolved.message)?.[1]?.split('\n')[0] ?? 'unknown';
  throw new InputError(`invalid YAML: could not determine a constructor for the tag '${tag}' (airlock, as Ansible, refuses tags it has no handler for)`, at(file, lines, unresolved.pos[0]));
}

/**
 * Parse one YAML document with every guard above. Throws InputError for a guard; leaves syntax errors in
 * `doc.errors` (the checks after composing run only on a document without them).
 */
export function parseCheckedYaml(text: string, file: string, options: CheckedYamlOptions): CheckedYaml {
  const { duplicateKeys, ...yamlOptions } = options;
  const lineCounter = options.lineCounter ?? new LineCounter();
  const limits = inputLimits();
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  checkTokenDepth(tokens, file, lineCounter, limits.yamlDepth);
  const composer = new Composer({ ...yamlOptions, lineCounter, uniqueKeys: false });
  const docs = Array.from(composer.compose(tokens, true, text.length)) as Document.Parsed[];
  const doc = docs[0] ?? (new Document(null, yamlOptions) as Document.Parsed);
  if (docs.length > 1) {
    throw new InputError('invalid YAML: the file holds more than one document (---); airlock reads one per file', at(file, lineCounter, docs[1]?.range[0] ?? 0));
  }
  if (doc.errors.length > 0) return { doc, lineCounter };
  refuseUnknownTags(doc, file, lineCounter);
  new AliasBudget(file, lineCounter, { nodes: limits.yamlAliasNodes, depth: limits.yamlDepth }).measure(doc.contents, 0);
  checkDuplicateKeys(doc, file, lineCounter, duplicateKeys);
  return { doc, lineCounter };
}
