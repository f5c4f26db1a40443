// A playbook or role file as the loader sees it: its data, and where every value came from, so that errors name
// file:line:column.
import { isMap, isSeq, LineCounter, type Document, type Node as YamlNode, isPair, isScalar } from 'yaml';
import { InputError, type SourceLocation } from '../util/errors.js';
import { parseYaml, readText } from './yaml-load.js';

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

/** A playbook or role file parsed by the one loader (yaml-load.ts); duplicate keys are Ansible's warning here. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const { doc, lineCounter } = parseYaml(text, file, 'warn');
  return new YamlSource(file, doc.toJS({ maxAliasCount: -1 }) as unknown, doc, lineCounter);
}

export async function readYamlSource(file: string): Promise<YamlSource> {
  return parseYamlSource(file, await readText(file));
}
