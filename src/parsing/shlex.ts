// Python's shlex.split in POSIX mode, the one implementation airlock has: Ansible splits `command:` lines with it
// (comments=False) and INI inventory host lines with comments=True. Reproducing it exactly matters: quoting decides
// a value's type in an inventory (`a="1"` reads as the int 1), and what a command receives (`echo "cost \$5"` passes
// `cost \$5`: inside double quotes only `"` and `\` can be escaped).

export class ShlexError extends Error {}

export interface ShlexOptions {
  /** `#` starts a comment to the end of the line (Python's comments=True), as Ansible's INI inventory reads lines */
  comments?: boolean;
}

/** Python's shlex.split(text, comments=..., posix=True). Throws ShlexError with Python's message. */
export function shlexSplit(text: string, options: ShlexOptions = {}): string[] {
  const comments = options.comments === true;
  const tokens: string[] = [];
  let token = '';
  let quoted = false;
  let inToken = false;
  let i = 0;
  const emit = (): void => {
    if (inToken || quoted) tokens.push(token);
    token = '';
    quoted = false;
    inToken = false;
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      emit();
      i++;
    } else if (comments && ch === '#') {
      // comment: rest of the line is ignored, ending any word in progress
      emit();
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? text.length : newline + 1;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) throw new ShlexError('No escaped character');
      token += text[i + 1];
      inToken = true;
      i += 2;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new ShlexError('No closing quotation');
      token += text.slice(i + 1, end);
      quoted = true;
      inToken = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new ShlexError('No closing quotation');
        const c = text[i] as string;
        if (c === '"') break;
        if (c === '\\') {
          if (i + 1 >= text.length) throw new ShlexError('No closing quotation');
          const next = text[i + 1] as string;
          // inside double quotes only the quote and the backslash itself can be escaped
          token += next === '"' || next === '\\' ? next : `\\${next}`;
          i += 2;
          continue;
        }
        token += c;
        i++;
      }
      quoted = true;
      inToken = true;
      i++;
    } else {
      token += ch;
      inToken = true;
      i++;
    }
  }
  emit();
  return tokens;
}
