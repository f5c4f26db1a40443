// A parsed YAML file that remembers where every value came from, so that errors name file:line:column.
import { isMap, isSeq, LineCounter, type Document, type Node as YamlNode, isPair, isScalar, type ScalarTag, type Tags } from 'yaml';
import { InputError, type SourceLocation } from '../util/errors.js';
import { decryptFileText, INLINE_VAULT_ERROR, vaultYamlTag } from '../vault/session.js';
import { readInputText } from '../util/input-file.js';
import { parseCheckedYaml } from '../util/yaml-checked.js';

export type YamlPath = ReadonlyArray<string | number>;

export class YamlSource {
  constructor(
    readonly file: string,
    readonly data: unknown,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Location of the value at `path` (or of its nearest existing ancestor). */
  locate(path: YamlPath): SourceLocation {
    return this.position(this.nodeAt(path, false));
  }

  /** Location of the KEY `path[last]` in its mapping: where an unknown or misplaced keyword is written. */
  locateKey(path: YamlPath): SourceLocation {
    return this.position(this.nodeAt(path, true));
  }

  private nodeAt(path: YamlPath, wantKey: boolean): YamlNode | undefined {
    let node: unknown = this.document.contents;
    let found = node as YamlNode | undefined;
    for (let i = 0; i < path.length; i += 1) {
      const step = path[i];
      if (isMap(node)) {
        // the last of repeated keys is the one whose value is used
        const pair = node.items.findLast((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(step));
        if (pair === undefined) break;
        if (wantKey && i === path.length - 1) return pair.key as YamlNode;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        node = node.items[step];
      } else break;
      if (node && typeof node === 'object' && 'range' in node) found = node as YamlNode;
      else break;
    }
    return found;
  }

  private position(node: YamlNode | undefined): SourceLocation {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file: this.file };
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  error(path: YamlPath, message: string, onKey = false): InputError {
    return new InputError(message, onKey ? this.locateKey(path) : this.locate(path));
  }
}

// PyYAML's YAML 1.1 booleans: yes/no/on/off/true/false. The `yaml` package's 1.1 schema also takes y/n, which
// would turn `name: y` into true where Ansible keeps the string.
const BOOL_TAG = 'tag:yaml.org,2002:bool';
const pyyamlBooleans: ScalarTag[] = [
  { identify: (v) => v === true, default: true, tag: BOOL_TAG, test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, resolve: () => true },
  { identify: (v) => v === false, default: true, tag: BOOL_TAG, test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/, resolve: () => false },
];
// ansible's `!unsafe` (a string never templated) is known here so that it is not refused as an unknown tag
const unsafeTag: ScalarTag = { tag: '!unsafe', resolve: (s) => s };
const customTags = (tags: Tags): Tags => [...pyyamlBooleans, ...tags.filter((tag) => typeof tag === 'string' || tag.tag !== BOOL_TAG), unsafeTag];

/** Parse YAML text the way Ansible reads it (YAML 1.1 as PyYAML: yes/no are booleans, 0644 is octal, `<<` merges). */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const tags = (defaults: Tags): Tags => [...customTags(defaults), vaultYamlTag(file)];
  // duplicate keys: Ansible's warning, the last value wins; unknown tags, depth and alias bombs: refused
  const { doc: document } = parseCheckedYaml(text, file, { lineCounter: lines, version: '1.1', merge: true, prettyErrors: false, customTags: tags, duplicateKeys: 'warn' });
  const first = document.errors[0];
  if (first !== undefined) {
    const { line, col } = lines.linePos(first.pos[0]);
    const message = first.message.split('\n')[0] ?? first.message;
    throw new InputError(message.startsWith(INLINE_VAULT_ERROR) ? message : `invalid YAML: ${message}`, { file, line, column: col });
  }
  return new YamlSource(file, document.toJS({ maxAliasCount: -1 }) as unknown, document, lines);
}

export async function readYamlSource(file: string): Promise<YamlSource> {
  return parseYamlSource(file, decryptFileText(await readInputText(file), file));
}
