// ansible splits INI host lines with Python's shlex.split(line, comments=True) (POSIX mode). Reproducing it exactly
// matters because quoting decides the value's type: `a="1"` loses its quotes here and then reads as the int 1.

export class ShlexError extends Error {}

/** Python's shlex.split(text, comments=True, posix=True). Throws ShlexError with Python's message. */
export function shlexSplit(text: string): string[] {
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
    } else if (ch === '#') {
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
