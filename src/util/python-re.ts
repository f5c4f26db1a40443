// Python `re` patterns and replacement templates for JavaScript, for modules whose arguments are Python regexps
// (replace, blockinfile, find). What differs and matters in playbooks: (?P<name>...) groups and (?P=name) backrefs,
// inline flags at the start ((?i), (?s), (?m), (?x) is refused), \A and \Z, and re.sub's template syntax (\1, \g<1>,
// \g<name>, \n) where JavaScript would read `$1`. Left as JavaScript reads them: `.` also stops at \r and U+2028.

export class PythonRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PythonRegexError';
  }
}

export interface PythonRegexFlags {
  multiline?: boolean;
  dotAll?: boolean;
  ignoreCase?: boolean;
  global?: boolean;
  /** record where each group matched (RegExp `d` flag) */
  indices?: boolean;
}

/** The flags a pattern turns on itself with a leading (?imsx), and the pattern without that group. */
export function inlineFlags(pattern: string): { flags: Set<string>; source: string } {
  const inline = /^\(\?([aiLmsux]+)\)/.exec(pattern);
  if (inline?.[1] === undefined) return { flags: new Set(), source: pattern };
  return { flags: new Set(inline[1]), source: pattern.slice(inline[0].length) };
}

/** Compile a Python pattern; a pattern JavaScript cannot read is a PythonRegexError carrying the engine's reason. */
export function pythonRegExp(pattern: string, flags: PythonRegexFlags = {}): RegExp {
  const { flags: inline, source: rest } = inlineFlags(pattern);
  if (inline.has('x')) throw new PythonRegexError('verbose patterns ((?x)) are not supported');
  const source = rest
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '(?<![\\s\\S])')
    .replace(/\\Z/g, '(?![\\s\\S])');
  let flagText = '';
  if (flags.ignoreCase || inline.has('i')) flagText += 'i';
  if (flags.multiline || inline.has('m')) flagText += 'm';
  if (flags.dotAll || inline.has('s')) flagText += 's';
  if (flags.global) flagText += 'g';
  if (flags.indices) flagText += 'd';
  try {
    return new RegExp(source, flagText);
  } catch (error) {
    throw new PythonRegexError(error instanceof Error ? error.message : String(error));
  }
}

const TEMPLATE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Python's match.expand(template): \1..\99, \g<n>, \g<name>, the usual escapes; unknown letter escapes are errors. */
export function expandPythonTemplate(template: string, groups: ReadonlyArray<string | undefined>, named: Record<string, string | undefined> | undefined): string {
  let out = '';
  for (let i = 0; i < template.length; i += 1) {
    const char = template[i] as string;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = template[i + 1];
    if (next === undefined) throw new PythonRegexError('bad escape (end of pattern)');
    const digits = /^\d{1,2}/.exec(template.slice(i + 1))?.[0];
    if (digits !== undefined) {
      const index = Number(digits);
      if (index >= groups.length) throw new PythonRegexError(`invalid group reference ${index}`);
      out += groups[index] ?? '';
      i += digits.length;
    } else if (next === 'g') {
      const reference = /^g<([^>]*)>/.exec(template.slice(i + 1));
      if (!reference) throw new PythonRegexError('missing < in \\g reference');
      const key = reference[1] ?? '';
      if (/^\d+$/.test(key)) {
        if (Number(key) >= groups.length) throw new PythonRegexError(`invalid group reference ${key}`);
        out += groups[Number(key)] ?? '';
      } else {
        if (named === undefined || !(key in named)) throw new PythonRegexError(`unknown group name '${key}'`);
        out += named[key] ?? '';
      }
      i += reference[0].length;
    } else if (next in TEMPLATE_ESCAPES) {
      out += TEMPLATE_ESCAPES[next];
      i += 1;
    } else if (/[A-Za-z]/.test(next)) {
      throw new PythonRegexError(`bad escape \\${next}`);
    } else {
      out += `\\${next}`;
      i += 1;
    }
  }
  return out;
}

/** re.subn(pattern, template, text): the new text and the number of replacements. `pattern` must be global. */
export function pythonSubn(pattern: RegExp, template: string, text: string): { text: string; count: number } {
  if (!pattern.global) throw new Error('pythonSubn needs a global RegExp');
  let count = 0;
  const result = text.replace(pattern, (...args: unknown[]) => {
    count += 1;
    const last = args[args.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
    // replace() passes: match, p1..pn, offset, string[, groups]
    const groupCount = args.length - (named === undefined ? 3 : 4);
    const groups = args.slice(0, groupCount + 1) as Array<string | undefined>;
    return expandPythonTemplate(template, groups, named);
  });
  return { text: result, count };
}
