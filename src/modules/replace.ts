// replace: every match of a Python regexp in a file (optionally only between `after` and `before`) replaced with a
// re.sub template, as Ansible's replace module: MULTILINE always on, the section found with DOTALL, msg
// "N replacements made", changed only when the text differs. The edit is `replaceInText`, a pure function.
import { PythonRegexError, pythonRegExp, pythonSubn, type PythonRegexFlags } from '../util/python-re.js';
import { failOnArgError, ModuleArgError, optionalString, requireString } from './lib/common.js';
import { editTextFile, pathAliasSchema, pathArgument, type TextEdit } from './lib/edit-file.js';
import { fileAttributeSchema } from './copy.js';
import type { ModuleDefinition } from './lib/types.js';

export interface ReplaceSpec {
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
}

function compile(pattern: string, argument: string, flags: PythonRegexFlags): RegExp {
  try {
    return pythonRegExp(pattern, flags);
  } catch (error) {
    throw new ModuleArgError('replace', `'${argument}' is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The text after the replacements; unchanged (changed: false) when nothing matched or the result is the same text. */
export function replaceInText(content: string, spec: ReplaceSpec): TextEdit {
  let start = 0;
  let end = content.length;
  if (spec.after !== undefined || spec.before !== undefined) {
    // Ansible builds one pattern: after(?P<subsection>.*?)before, after(?P<subsection>.*) or (?P<subsection>.*)before
    const sectionPattern = spec.after !== undefined && spec.before !== undefined
      ? `${spec.after}(?P<subsection>.*?)${spec.before}`
      : spec.after !== undefined ? `${spec.after}(?P<subsection>.*)` : `(?P<subsection>.*)${spec.before ?? ''}`;
    const match = compile(sectionPattern, spec.after !== undefined ? 'after' : 'before', { dotAll: true, indices: true }).exec(content);
    const span = match?.indices?.groups?.['subsection'];
    if (!match || span === undefined) return { content, changed: false, msg: `Pattern for before/after params did not match the given file: ${sectionPattern}` };
    [start, end] = span;
  }
  const section = content.slice(start, end);
  let result: { text: string; count: number };
  try {
    result = pythonSubn(compile(spec.regexp, 'regexp', { multiline: true, global: true }), spec.replace, section);
  } catch (error) {
    if (error instanceof PythonRegexError) throw new ModuleArgError('replace', `Unable to process replace due to error: ${error.message}`);
    throw error;
  }
  if (result.count === 0 || result.text === section) return { content, changed: false, msg: '' };
  return { content: content.slice(0, start) + result.text + content.slice(end), changed: true, msg: `${result.count} replacements made` };
}

export function parseReplaceSpec(args: Record<string, unknown>): ReplaceSpec {
  const spec: ReplaceSpec = { regexp: requireString('replace', args, 'regexp'), replace: optionalString('replace', args, 'replace') ?? '' };
  const after = optionalString('replace', args, 'after');
  const before = optionalString('replace', args, 'before');
  if (after !== undefined && after !== '') spec.after = after;
  if (before !== undefined && before !== '') spec.before = before;
  return spec;
}


export const replaceModule: ModuleDefinition = {
  name: 'replace',
  argsSchema: {
    type: 'object',
    properties: {
      ...pathAliasSchema,
      regexp: { type: 'string' },
      replace: { type: 'string' },
      after: { type: 'string' },
      before: { type: 'string' },
      backup: { type: ['boolean', 'string'] },
      encoding: { enum: ['utf-8', 'utf8', 'UTF-8'] },
      ...fileAttributeSchema,
    },
    required: ['regexp'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const path = pathArgument('replace', args);
      const spec = parseReplaceSpec(args);
      const result = await editTextFile(ctx, { module: 'replace', path, args, create: false, edit: (current) => replaceInText(current ?? '', spec) });
      return result.failed ? result : { ...result, rc: 0 };
    }),
};
