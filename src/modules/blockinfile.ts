// blockinfile: a block of lines between two marker lines ("# BEGIN ANSIBLE MANAGED BLOCK" / "# END ...") kept
// present (replaced where the markers are, else inserted after/before the last line an anchor regexp matches, or at
// EOF/BOF) or removed, as Ansible's blockinfile. The edit is `editBlock`, a pure function over the file's text.
import { PythonRegexError, inlineFlags, pythonRegExp } from '../util/python-re.js';
import { failOnArgError, ModuleArgError, optionalBool, optionalString } from './lib/common.js';
import { editTextFile, pathAliasSchema, pathArgument, type TextEdit } from './lib/edit-file.js';
import { fileAttributeSchema } from './copy.js';
import type { ModuleDefinition } from './lib/types.js';

export interface BlockSpec {
  state: 'present' | 'absent';
  block: string;
  marker: string;
  markerBegin: string;
  markerEnd: string;
  /** 'EOF' or a Python regexp */
  insertafter?: string;
  /** 'BOF' or a Python regexp */
  insertbefore?: string;
  appendNewline: boolean;
  prependNewline: boolean;
}

/** Python's bytes.splitlines(keepends=True): \n, \r\n and \r all end a line. */
export function splitLinesKeepEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
}

function anchorRegExp(pattern: string, argument: string): RegExp {
  try {
    return pythonRegExp(pattern);
  } catch (error) {
    const reason = error instanceof PythonRegexError || error instanceof Error ? error.message : String(error);
    throw new ModuleArgError('blockinfile', `'${argument}' is not a valid regular expression: ${reason}`);
  }
}

/** Where the block goes when the file has no markers yet: a line index into `lines`. */
function insertionIndex(original: string, lines: string[], spec: BlockSpec): number {
  const anchor = spec.insertafter !== undefined && spec.insertafter !== 'EOF' ? { pattern: spec.insertafter, after: true }
    : spec.insertbefore !== undefined && spec.insertbefore !== 'BOF' ? { pattern: spec.insertbefore, after: false } : undefined;
  if (anchor === undefined) return spec.insertbefore === 'BOF' ? 0 : lines.length;
  const regexp = anchorRegExp(anchor.pattern, anchor.after ? 'insertafter' : 'insertbefore');
  let index: number | undefined;
  if (inlineFlags(anchor.pattern).flags.has('m')) {
    // a (?m) anchor is searched in the whole file; the block goes after the line of the match's end (or before its start)
    const match = regexp.exec(original);
    if (match) index = original.slice(0, anchor.after ? match.index + match[0].length : match.index).split('\n').length - 1;
  } else {
    lines.forEach((line, i) => {
      if (regexp.test(line.replace(/\r?\n$|\r$/, ''))) index = i;
    });
  }
  if (index === undefined) return lines.length;
  return anchor.after ? index + 1 : index;
}

export function editBlock(original: string | undefined, spec: BlockSpec): TextEdit {
  const lines = splitLinesKeepEnds(original ?? '');
  const begin = `${spec.marker.replaceAll('{mark}', spec.markerBegin)}\n`;
  const end = `${spec.marker.replaceAll('{mark}', spec.markerEnd)}\n`;
  const present = spec.state === 'present';
  let blockLines: string[] = [];
  if (present && spec.block !== '') {
    const block = spec.block.endsWith('\n') ? spec.block : `${spec.block}\n`;
    blockLines = [begin, ...splitLinesKeepEnds(block), end];
  }
  let beginAt: number | undefined;
  let endAt: number | undefined;
  lines.forEach((line, i) => {
    if (line === begin) beginAt = i;
    if (line === end) endAt = i;
  });
  let at: number;
  if (beginAt === undefined || endAt === undefined) {
    at = insertionIndex(original ?? '', lines, spec);
  } else if (beginAt < endAt) {
    lines.splice(beginAt, endAt - beginAt + 1);
    at = beginAt;
  } else {
    lines.splice(endAt, beginAt - endAt + 1);
    at = endAt;
  }
  if (at > 0 && !(lines[at - 1] as string).endsWith('\n')) lines[at - 1] += '\n';
  if (spec.prependNewline && present && at !== 0 && lines[at - 1] !== '\n') {
    lines.splice(at, 0, '\n');
    at += 1;
  }
  lines.splice(at, 0, ...blockLines);
  if (spec.appendNewline && present) {
    const after = at + blockLines.length;
    if (after < lines.length && lines[after] !== '\n') lines.splice(after, 0, '\n');
  }
  const result = lines.join('');
  if (original !== undefined && result === original) return { content: result, changed: false, msg: '' };
  if (original === undefined) return { content: result, changed: true, msg: 'File created' };
  return { content: result, changed: true, msg: blockLines.length === 0 ? 'Block removed' : 'Block inserted' };
}

export function parseBlockSpec(args: Record<string, unknown>): BlockSpec {
  const state = optionalString('blockinfile', args, 'state') ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgError('blockinfile', `'state' must be present or absent, got ${state}`);
  const spec: BlockSpec = {
    state,
    block: optionalString('blockinfile', args, 'block') ?? optionalString('blockinfile', args, 'content') ?? '',
    marker: optionalString('blockinfile', args, 'marker') ?? '# {mark} ANSIBLE MANAGED BLOCK',
    markerBegin: optionalString('blockinfile', args, 'marker_begin') ?? 'BEGIN',
    markerEnd: optionalString('blockinfile', args, 'marker_end') ?? 'END',
    appendNewline: optionalBool('blockinfile', args, 'append_newline', false),
    prependNewline: optionalBool('blockinfile', args, 'prepend_newline', false),
  };
  const insertafter = optionalString('blockinfile', args, 'insertafter');
  const insertbefore = optionalString('blockinfile', args, 'insertbefore');
  if (insertafter !== undefined && insertbefore !== undefined) throw new ModuleArgError('blockinfile', "'insertafter' and 'insertbefore' are mutually exclusive");
  if (insertafter !== undefined) spec.insertafter = insertafter;
  if (insertbefore !== undefined) spec.insertbefore = insertbefore;
  return spec;
}

export const blockinfileModule: ModuleDefinition = {
  name: 'blockinfile',
  argsSchema: {
    type: 'object',
    properties: {
      ...pathAliasSchema,
      state: { enum: ['present', 'absent'] },
      marker: { type: 'string' },
      block: { type: 'string' },
      content: { type: 'string' },
      insertafter: { type: 'string' },
      insertbefore: { type: 'string' },
      create: { type: ['boolean', 'string'] },
      backup: { type: ['boolean', 'string'] },
      marker_begin: { type: 'string' },
      marker_end: { type: 'string' },
      append_newline: { type: ['boolean', 'string'] },
      prepend_newline: { type: ['boolean', 'string'] },
      ...fileAttributeSchema,
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const path = pathArgument('blockinfile', args);
      const spec = parseBlockSpec(args);
      return editTextFile(ctx, {
        module: 'blockinfile',
        path,
        args,
        create: optionalBool('blockinfile', args, 'create', false),
        edit: (current) => editBlock(current, spec),
        ...(spec.state === 'absent' ? { whenMissing: () => ({ changed: false, msg: `File ${path} not present` }) } : {}),
      });
    }),
};
