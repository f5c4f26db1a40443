// Ansible types INI values with Python's ast.literal_eval: `1` is an int, `True` a bool, `[1, 2]` a list, `'x'` a
// string, and anything that is not a Python literal stays the raw string. This is that evaluator for the subset of
// Python literals that can appear in an inventory; whatever it cannot read as a literal is returned unchanged.

/** Returned when the text is not a Python literal (ansible then keeps the raw string). */
export const NOT_A_LITERAL: unique symbol = Symbol('not a python literal');

class NotLiteral extends Error {}

const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_]/u;

// Python 3 numeric literal grammar (underscores only between digits; no leading zeros on non-zero decimals).
const DIGITS = String.raw`\d(?:_?\d)*`;
const EXPONENT = String.raw`[eE][-+]?${DIGITS}`;
const POINT_FLOAT = String.raw`(?:(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.)`;
const FLOAT = new RegExp(String.raw`^(?:${POINT_FLOAT}(?:${EXPONENT})?|${DIGITS}${EXPONENT})`);
const INTEGER = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0+(?:_?0)*)/;

interface Token {
  kind: 'number' | 'string' | 'name' | 'punct';
  value: string | number;
  /** for strings: true when it came from a bytes literal (b'...'), which cannot be concatenated with str */
  bytes?: boolean;
}

function decodeEscapes(body: string, isBytes: boolean): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) throw new NotLiteral();
    i++;
    const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };
    if (next in simple) {
      out += simple[next];
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i))?.[0] ?? next;
      out += String.fromCharCode(parseInt(octal, 8));
      i += octal.length - 1;
    } else if (next === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new NotLiteral();
      out += String.fromCharCode(parseInt(hex, 16));
      i += 2;
    } else if (!isBytes && (next === 'u' || next === 'U')) {
      const width = next === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new NotLiteral();
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw new NotLiteral();
      out += String.fromCodePoint(code);
      i += width;
    } else if (!isBytes && next === 'N') {
      throw new NotLiteral(); // \N{NAME} needs the Unicode name table; too rare in inventories to carry it
    } else {
      out += `\\${next}`; // Python keeps unknown escapes verbatim
    }
  }
  return out;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\f') {
      i++;
      continue;
    }
    if (ch === '#') break; // comment to end of line
    if ('()[]{},:+-'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch });
      i++;
      continue;
    }
    const rest = text.slice(i);
    const stringStart = /^([rRbBuUfF]{0,2})(['"])/.exec(rest);
    if (stringStart && (stringStart[1] === '' || /^(?:[rR][bBfF]?|[bBfF][rR]?|[uU])$/.test(stringStart[1] as string))) {
      const prefix = (stringStart[1] as string).toLowerCase();
      if (prefix.includes('f')) throw new NotLiteral(); // f-strings are not literals
      const quote = stringStart[2] as string;
      const triple = rest.startsWith(quote.repeat(3), prefix.length);
      const delimiter = triple ? quote.repeat(3) : quote;
      let j = prefix.length + delimiter.length;
      let body = '';
      for (;;) {
        if (j >= rest.length) throw new NotLiteral(); // unterminated string
        if (rest.startsWith(delimiter, j)) break;
        const c = rest[j] as string;
        if (c === '\n' && !triple) throw new NotLiteral();
        if (c === '\\') {
          body += rest.slice(j, j + 2);
          j += 2;
          continue;
        }
        body += c;
        j++;
      }
      const isBytes = prefix.includes('b');
      if (isBytes && /[^\x00-\x7f]/.test(body)) throw new NotLiteral();
      const value = prefix.includes('r') ? body : decodeEscapes(body, isBytes);
      tokens.push({ kind: 'string', value, bytes: isBytes });
      i += j + delimiter.length;
      continue;
    }
    if (/[0-9.]/.test(ch)) {
      const float = FLOAT.exec(rest);
      const int = INTEGER.exec(rest);
      let literal: string;
      let value: number;
      if (float && (!int || float[0].length > int[0].length)) {
        literal = float[0];
        value = Number(literal.replace(/_/g, ''));
      } else if (int) {
        literal = int[0];
        const clean = literal.replace(/_/g, '');
        value = /^0[oO]/.test(clean) ? parseInt(clean.slice(2), 8) : /^0[bB]/.test(clean) ? parseInt(clean.slice(2), 2) : Number(clean);
      } else {
        throw new NotLiteral();
      }
      const after = rest[literal.length];
      // `1abc`, `0755`, `1.2.3`, `1j` (complex, which ansible cannot serialise anyway) are not literals we accept
      if (after !== undefined && /[\p{L}\p{N}_.]/u.test(after)) throw new NotLiteral();
      tokens.push({ kind: 'number', value });
      i += literal.length;
      continue;
    }
    if (IDENTIFIER_START.test(ch)) {
      let j = i + 1;
      while (j < text.length && IDENTIFIER_PART.test(text[j] as string)) j++;
      tokens.push({ kind: 'name', value: text.slice(i, j) });
      i = j;
      continue;
    }
    throw new NotLiteral();
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isPunct(value: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'punct' && t.value === value;
  }

  private expectPunct(value: string): void {
    if (!this.isPunct(value)) throw new NotLiteral();
    this.pos++;
  }

  /** The whole text: one expression or a bare tuple (`1, 2`). */
  parseTop(): unknown {
    if (this.tokens.length === 0) throw new NotLiteral();
    const { items, sawComma } = this.parseSequence(undefined);
    if (this.pos !== this.tokens.length) throw new NotLiteral();
    return sawComma ? items : items[0];
  }

  /** Comma-separated values up to `close` (or the end); trailing comma allowed. */
  private parseSequence(close: string | undefined): { items: unknown[]; sawComma: boolean } {
    const items: unknown[] = [];
    let sawComma = false;
    while (this.peek() !== undefined && !(close !== undefined && this.isPunct(close))) {
      items.push(this.parseValue());
      if (this.isPunct(',')) {
        this.pos++;
        sawComma = true;
      } else {
        break;
      }
    }
    return { items, sawComma };
  }

  private parseValue(): unknown {
    const t = this.peek();
    if (t === undefined) throw new NotLiteral();
    if (t.kind === 'number') {
      this.pos++;
      return t.value;
    }
    if (t.kind === 'string') {
      let value = '';
      const isBytes = t.bytes === true;
      while (this.peek()?.kind === 'string') {
        const part = this.peek() as Token;
        if ((part.bytes === true) !== isBytes) throw new NotLiteral(); // cannot mix bytes and str
        value += part.value as string;
        this.pos++;
      }
      return value;
    }
    if (t.kind === 'name') {
      this.pos++;
      if (t.value === 'True') return true;
      if (t.value === 'False') return false;
      if (t.value === 'None') return null;
      throw new NotLiteral();
    }
    // punctuation
    if (t.value === '+' || t.value === '-') {
      this.pos++;
      // literal_eval allows one sign on a number constant only (`-1`, `-(1)`), not on bools or nested signs
      let parens = 0;
      while (this.isPunct('(')) {
        this.pos++;
        parens++;
      }
      const operand = this.peek();
      if (operand?.kind !== 'number') throw new NotLiteral();
      this.pos++;
      for (; parens > 0; parens--) this.expectPunct(')');
      return t.value === '-' ? -(operand.value as number) : operand.value;
    }
    if (t.value === '(') {
      this.pos++;
      const { items, sawComma } = this.parseSequence(')');
      this.expectPunct(')');
      if (items.length === 1 && !sawComma) return items[0];
      return items; // a tuple; JSON (and ansible's output) make it a list
    }
    if (t.value === '[') {
      this.pos++;
      const { items } = this.parseSequence(']');
      this.expectPunct(']');
      return items;
    }
    if (t.value === '{') {
      this.pos++;
      return this.parseBraces();
    }
    throw new NotLiteral();
  }

  private parseBraces(): unknown {
    if (this.isPunct('}')) {
      this.pos++;
      return {};
    }
    const first = this.parseValue();
    if (!this.isPunct(':')) {
      // a set literal: JSON has no sets, so it becomes a list of its unique members
      const members: unknown[] = [first];
      while (this.isPunct(',')) {
        this.pos++;
        if (this.isPunct('}')) break;
        members.push(this.parseValue());
      }
      this.expectPunct('}');
      return [...new Set(members)];
    }
    const result: Record<string, unknown> = {};
    let key: unknown = first;
    for (;;) {
      this.expectPunct(':');
      const value = this.parseValue();
      if (typeof key === 'object' && key !== null) throw new NotLiteral(); // unhashable key (list/dict)
      result[pythonKey(key)] = value;
      if (!this.isPunct(',')) break;
      this.pos++;
      if (this.isPunct('}')) break;
      key = this.parseValue();
    }
    this.expectPunct('}');
    return result;
  }
}

/** How Python's json module writes a non-string dict key. */
function pythonKey(key: unknown): string {
  if (key === true) return 'true';
  if (key === false) return 'false';
  if (key === null) return 'null';
  return String(key);
}

/** ast.literal_eval(text) for the literal subset ansible inventories use, or NOT_A_LITERAL. */
export function literalEval(text: string): unknown {
  try {
    const tokens = tokenize(text.replace(/^[ \t]+/, ''));
    return new Parser(tokens).parseTop();
  } catch (error) {
    if (error instanceof NotLiteral) return NOT_A_LITERAL;
    throw error;
  }
}

/** ansible's INI `_parse_value`: the Python literal if the text is one, else the text itself. */
export function iniValue(text: string): unknown {
  const value = literalEval(text);
  return value === NOT_A_LITERAL ? text : value;
}
