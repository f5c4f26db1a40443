// Where a JSON text stops being JSON, as a line and column. JSON.parse's own message gives a byte offset at best
// and, at worst, quotes the first bytes of the text (a bundle manifest linked to /etc/shadow would print a hash),
// so callers say "line L, column C" from this instead and never echo the content.

export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  problem: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

function sticky(pattern: RegExp, text: string, at: number): number | undefined {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : undefined;
}

/** Iterative (an explicit stack of open containers), so a deeply nested text cannot overflow the call stack. */
function firstProblem(text: string): { offset: number; problem: string } | undefined {
  const stack: Array<'[' | '{'> = [];
  let i = 0;
  const skip = (): void => {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i += 1;
  };
  // expecting: a value; after a value: ',' or the container's end; in an object: a key then ':'
  let want: 'value' | 'after' | 'key' | 'first-key' | 'first-value' = 'value';
  for (;;) {
    skip();
    const c = text[i];
    if (want === 'value' || want === 'first-value') {
      if (want === 'first-value' && c === ']') {
        stack.pop();
        i += 1;
        want = 'after';
        continue;
      }
      if (c === '{' || c === '[') {
        stack.push(c);
        i += 1;
        want = c === '{' ? 'first-key' : 'first-value';
        continue;
      }
      const end = sticky(STRING, text, i) ?? sticky(NUMBER, text, i) ?? sticky(LITERAL, text, i);
      if (end === undefined) return { offset: i, problem: c === undefined ? 'unexpected end of the text, a value was expected' : 'a value was expected here' };
      i = end;
      want = 'after';
      continue;
    }
    if (want === 'key' || want === 'first-key') {
      if (want === 'first-key' && c === '}') {
        stack.pop();
        i += 1;
        want = 'after';
        continue;
      }
      const end = sticky(STRING, text, i);
      if (end === undefined) return { offset: i, problem: c === undefined ? 'unexpected end of the text, a key was expected' : 'a quoted key was expected here' };
      i = end;
      skip();
      if (text[i] !== ':') return { offset: i, problem: "':' was expected after the key" };
      i += 1;
      want = 'value';
      continue;
    }
    // after a value
    const open = stack.at(-1);
    if (open === undefined) return c === undefined ? undefined : { offset: i, problem: 'unexpected text after the end of the JSON value' };
    if (c === ',') {
      i += 1;
      want = open === '{' ? 'key' : 'value';
      continue;
    }
    if ((open === '{' && c === '}') || (open === '[' && c === ']')) {
      stack.pop();
      i += 1;
      continue;
    }
    return { offset: i, problem: c === undefined ? 'unexpected end of the text, the JSON is cut short' : `',' or '${open === '{' ? '}' : ']'}' was expected here` };
  }
}

/** undefined when `text` is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const found = firstProblem(text);
  if (found === undefined) return undefined;
  const before = text.slice(0, found.offset);
  const line = (before.match(/\n/g)?.length ?? 0) + 1;
  const column = found.offset - (before.lastIndexOf('\n') + 1) + 1;
  return { ...found, line, column };
}
