// lineinfile: make sure one line is present (optionally replacing the last line a regexp matches) or absent.
// The edit is a pure function over the file's text (`editLines`), read in the one probe exec and written back with
// the same atomic install copy uses, keeping the file's mode and owner.
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString, requireString } from './lib/common.js';
import { attributesFrom, fileAttributeSchema } from './copy.js';
import { deployFile, deployResult, sha256Hex } from './lib/deploy.js';
import { parseProbe, probeCommand } from './lib/remote-state.js';
import type { ModuleDefinition } from './lib/types.js';

export interface LineSpec {
  state: 'present' | 'absent';
  line?: string;
  regexp?: string;
  /** 'EOF', 'BOF' or a regexp (Python syntax, mostly shared with JavaScript) */
  insertafter?: string;
  insertbefore?: string;
  backrefs: boolean;
  firstmatch: boolean;
}

export interface LineEdit {
  content: string;
  changed: boolean;
  msg: string;
  /** lines removed (state=absent) */
  found?: number;
}

function compile(pattern: string, name: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new ModuleArgError('lineinfile', `'${name}' is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Python's match.expand: \1 and \g<name> in `line` become the regexp's groups. */
function expand(line: string, match: RegExpExecArray): string {
  return line.replace(/\\(\d+)|\\g<(\w+)>/g, (_all, number: string | undefined, name: string | undefined) => {
    if (number !== undefined) return match[Number(number)] ?? '';
    const key = name ?? '';
    return (/^\d+$/.test(key) ? match[Number(key)] : match.groups?.[key]) ?? '';
  });
}

/** Lines with their terminators, so that a file's line endings survive the edit. */
function splitLines(content: string): string[] {
  return content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const bare = (line: string): string => line.replace(/\r?\n$/, '');

export function editLines(content: string, spec: LineSpec): LineEdit {
  const lines = splitLines(content);
  const regexp = spec.regexp === undefined ? undefined : compile(spec.regexp, 'regexp');
  if (spec.state === 'absent') {
    const kept = lines.filter((candidate) => (regexp ? !regexp.test(bare(candidate)) : bare(candidate) !== spec.line));
    const found = lines.length - kept.length;
    return { content: kept.join(''), changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '', found };
  }
  const line = spec.line ?? '';
  let matchIndex = -1;
  let match: RegExpExecArray | null = null;
  lines.forEach((candidate, index) => {
    const found = regexp ? regexp.exec(bare(candidate)) : bare(candidate) === line ? ([candidate] as unknown as RegExpExecArray) : null;
    if (found && (matchIndex === -1 || !spec.firstmatch)) {
      matchIndex = index;
      match = found;
    }
  });
  if (matchIndex >= 0 && match) {
    const replacement = spec.backrefs ? expand(line, match) : line;
    const current = lines[matchIndex] as string;
    if (bare(current) === replacement) return { content, changed: false, msg: '' };
    const ending = current.endsWith('\r\n') ? '\r\n' : current.endsWith('\n') ? '\n' : '';
    lines[matchIndex] = replacement + ending;
    return { content: lines.join(''), changed: true, msg: 'line replaced' };
  }
  // No regexp match: backrefs means "only ever replace"; an identical line already present means nothing to do.
  if (spec.backrefs) return { content, changed: false, msg: '' };
  if (lines.some((candidate) => bare(candidate) === line)) return { content, changed: false, msg: '' };

  const anchor = spec.insertbefore ?? spec.insertafter;
  let insertAt = lines.length;
  if (anchor === 'BOF') insertAt = 0;
  else if (anchor !== undefined && anchor !== 'EOF') {
    const anchorRegexp = compile(anchor, spec.insertbefore !== undefined ? 'insertbefore' : 'insertafter');
    let anchorIndex = -1;
    lines.forEach((candidate, index) => {
      if (anchorRegexp.test(bare(candidate)) && (anchorIndex === -1 || !spec.firstmatch)) anchorIndex = index;
    });
    if (anchorIndex >= 0) insertAt = spec.insertbefore !== undefined ? anchorIndex : anchorIndex + 1;
  }
  if (insertAt === lines.length && lines.length > 0 && !(lines[lines.length - 1] as string).endsWith('\n')) {
    lines[lines.length - 1] += '\n';
  }
  lines.splice(insertAt, 0, `${line}\n`);
  return { content: lines.join(''), changed: true, msg: 'line added' };
}

export function parseLineSpec(args: Record<string, unknown>): LineSpec {
  const state = optionalString('lineinfile', args, 'state') ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgError('lineinfile', `'state' must be present or absent, got ${state}`);
  const spec: LineSpec = { state, backrefs: optionalBool('lineinfile', args, 'backrefs', false), firstmatch: optionalBool('lineinfile', args, 'firstmatch', false) };
  for (const key of ['line', 'regexp', 'insertafter', 'insertbefore'] as const) {
    const value = optionalString('lineinfile', args, key);
    if (value !== undefined) spec[key] = value;
  }
  if (spec.insertafter !== undefined && spec.insertbefore !== undefined) throw new ModuleArgError('lineinfile', "'insertafter' and 'insertbefore' are mutually exclusive");
  if (state === 'present' && spec.line === undefined) throw new ModuleArgError('lineinfile', "'line' is required with state=present");
  if (state === 'absent' && spec.line === undefined && spec.regexp === undefined) throw new ModuleArgError('lineinfile', "one of 'line' or 'regexp' is required with state=absent");
  if (spec.backrefs && spec.regexp === undefined) throw new ModuleArgError('lineinfile', "'backrefs' needs 'regexp'");
  return spec;
}

export const lineinfileModule: ModuleDefinition = {
  name: 'lineinfile',
  argsSchema: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      line: { type: 'string' },
      regexp: { type: 'string' },
      state: { enum: ['present', 'absent'] },
      insertafter: { type: 'string' },
      insertbefore: { type: 'string' },
      create: { type: ['boolean', 'string'] },
      backup: { type: ['boolean', 'string'] },
      backrefs: { type: ['boolean', 'string'] },
      firstmatch: { type: ['boolean', 'string'] },
      ...fileAttributeSchema,
    },
    required: ['path'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const path = requireString('lineinfile', args, 'path');
      const spec = parseLineSpec(args);
      const probed = await exec(ctx, probeCommand([path], { checksum: 'sha256', content: true, follow: true }));
      if (probed.rc !== 0) return { changed: false, failed: true, msg: `lineinfile: reading ${path} failed (rc ${probed.rc}): ${probed.stderr.trim()}` };
      const [current] = parseProbe([path], probed.stdout);
      if (!current) throw new Error(`lineinfile: probe returned nothing for ${path}`);
      if (current.type === 'absent') {
        if (spec.state === 'absent') return { changed: false, msg: 'file not present', data: { path, found: 0 } };
        if (!optionalBool('lineinfile', args, 'create', false)) return { changed: false, failed: true, rc: 257, msg: `Destination ${path} does not exist !` };
      } else if (current.type !== 'file') {
        return { changed: false, failed: true, msg: `lineinfile: ${path} is a ${current.type}, not a file` };
      }
      const edit = editLines(current.content ?? '', spec);
      const content = Buffer.from(edit.content, 'utf8');
      const outcome = await deployFile(ctx, {
        module: 'lineinfile',
        dest: path,
        source: { content },
        attributes: attributesFrom('lineinfile', args),
        backup: optionalBool('lineinfile', args, 'backup', false),
        force: true,
        current,
      });
      const result = deployResult(path, sha256Hex(content), outcome, ctx);
      if (outcome.changed) result.msg = [edit.msg, current.type === 'absent' ? 'file created' : '', ...(edit.changed ? [] : outcome.changes)].filter(Boolean).join(', ');
      if (edit.found !== undefined) result.data = { ...result.data, found: edit.found };
      return result;
    }),
};
