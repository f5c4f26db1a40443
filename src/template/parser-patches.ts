// Jinja syntax that nunjucks' lexer and parser read differently, patched once per process (runtime.ts installs it):
//   - string literals: Jinja's escapes, and Ansible's literal backslashes inside `{{ }}` (python-strings.ts);
//   - tests: `x is sameas false`, `x is divisibleby 3` (one argument without parentheses), dotted names
//     (`x is ansible.builtin.file`), as Jinja's parse_test reads them;
//   - float literals (`3.0`) are marked, so that they render as Python floats ("3.0", python-float.ts);
//   - `f(*args)` and `f(**kwargs)` in calls and filter arguments.
// Each patch only changes what a template means when nunjucks would have refused it or read it wrongly.
import { pythonUnescape } from './python-strings.js';
import type { CompilerPrototype, Tokenizer } from './nunjucks-internals.js';

interface ParserNode {
  lineno: number;
  colno: number;
  [field: string]: unknown;
}
interface ParserToken {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}
interface ParserThis {
  peekToken(): ParserToken;
  nextToken(): ParserToken;
  pushToken(token: ParserToken): void;
  skipSymbol(name: string): boolean;
  skipValue(type: string, value: string): boolean;
  skip(type: string): boolean;
  fail(message: string, lineno?: number, colno?: number): never;
  parseCompare(): ParserNode;
  parsePrimary(noPostfix?: boolean): ParserNode;
  parsePostfix(node: ParserNode): ParserNode;
  parseExpression(): ParserNode;
}
type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => ParserNode & { addChild(node: unknown): void; children: unknown[] };
export interface ParserInternals {
  Parser: { prototype: Record<string, unknown> };
}
export interface NodeInternals {
  Node: { extend(name: string, props: { fields: string[] }): NodeClass };
  [name: string]: unknown;
}

/** How the string literals of the template being compiled are read: see python-strings.ts. */
let literalBackslashesInExpressions = true;

/** Compile with template-file string rules (escapes decoded everywhere), as the template module's files are. */
export function compilingTemplateFile<T>(compile: () => T): T {
  const before = literalBackslashesInExpressions;
  literalBackslashesInExpressions = false;
  try {
    return compile();
  } finally {
    literalBackslashesInExpressions = before;
  }
}

export function readStringLiterals(lexer: { lex(src: string, opts: unknown): Tokenizer }): void {
  const originalLex = lexer.lex.bind(lexer);
  lexer.lex = (src, opts) => {
    const tokenizer = originalLex(src, opts);
    const next = tokenizer.nextToken.bind(tokenizer);
    const literal = literalBackslashesInExpressions;
    let inVariable = false;
    tokenizer.nextToken = () => {
      const start = tokenizer.index;
      const token = next();
      if (token === null) return token;
      if (token.type === 'variable-start') inVariable = true;
      else if (token.type === 'variable-end' || token.type === 'block-start') inVariable = false;
      else if (token.type === 'string') {
        // nunjucks consumed exactly one literal, quotes included: read its body again, as Jinja would
        const body = tokenizer.str.slice(start + 1, tokenizer.index - 1);
        token.value = literal && inVariable ? body : pythonUnescape(body);
      }
      return token;
    };
    return tokenizer;
  };
}

/** Tokens that may begin the single bare argument of a test (Jinja's parse_test). */
const ARGUMENT_STARTS = new Set(['symbol', 'string', 'int', 'float', 'left-paren', 'left-bracket', 'left-curly', 'boolean', 'none']);
const NOT_AN_ARGUMENT = new Set(['else', 'or', 'and', 'if', 'is', 'in', 'not']);

export function patchParser(parser: ParserInternals, nodes: NodeInternals): void {
  const proto = parser.Parser.prototype;
  const Is = nodes['Is'] as NodeClass;
  const Not = nodes['Not'] as NodeClass;
  const FunCall = nodes['FunCall'] as NodeClass;
  const NodeList = nodes['NodeList'] as NodeClass;
  const SymbolNode = nodes['Symbol'] as NodeClass;
  const KeywordArgs = nodes['KeywordArgs'] as NodeClass;
  const Pair = nodes['Pair'] as NodeClass;
  const StarArg = nodes.Node.extend('AirlockStar', { fields: ['value'] });
  const DoubleStarArg = nodes.Node.extend('AirlockDoubleStar', { fields: ['value'] });

  proto['parseIs'] = function parseIs(this: ParserThis): ParserNode {
    let node = this.parseCompare();
    if (!this.skipSymbol('is')) return node;
    const negated = this.skipSymbol('not');
    const first = this.nextToken();
    if (!['symbol', 'none', 'boolean'].includes(first.type)) this.fail(`expected a test name after 'is', got '${first.value}'`, first.lineno, first.colno);
    let name = first.value;
    while (this.skipValue('operator', '.')) name += `.${this.nextToken().value}`;
    const test = new SymbolNode(first.lineno, first.colno, name);
    let call: ParserNode;
    const after = this.peekToken();
    if (after.type === 'left-paren') call = this.parsePostfix(test);
    else {
      const args = new NodeList(first.lineno, first.colno);
      if (ARGUMENT_STARTS.has(after.type) && !(after.type === 'symbol' && NOT_AN_ARGUMENT.has(after.value))) {
        args.addChild(this.parsePostfix(this.parsePrimary(true)));
      }
      call = new FunCall(first.lineno, first.colno, test, args);
    }
    node = new Is(node.lineno, node.colno, node, call);
    return negated ? new Not(node.lineno, node.colno, node) : node;
  };

  const originalPrimary = proto['parsePrimary'] as (this: ParserThis, noPostfix?: boolean) => ParserNode;
  proto['parsePrimary'] = function parsePrimary(this: ParserThis, noPostfix?: boolean): ParserNode {
    const token = this.peekToken();
    const node = originalPrimary.call(this, noPostfix);
    if (token.type === 'float' && node['typename'] === 'Literal') node['airlockFloat'] = true;
    return node;
  };

  // Jinja's call arguments: positional, name=value, *list and **dict (in any order nunjucks can compile)
  proto['parseSignature'] = function parseSignature(this: ParserThis, tolerant: boolean, noParens: boolean): ParserNode | null {
    let token = this.peekToken();
    if (!noParens && token.type !== 'left-paren') {
      if (tolerant) return null;
      this.fail('expected arguments', token.lineno, token.colno);
    }
    if (token.type === 'left-paren') token = this.nextToken();
    const args = new NodeList(token.lineno, token.colno);
    const kwargs = new KeywordArgs(token.lineno, token.colno);
    let checkComma = false;
    for (;;) {
      token = this.peekToken();
      if (!noParens && token.type === 'right-paren') {
        this.nextToken();
        break;
      }
      if (noParens && token.type === 'block-end') break;
      if (checkComma && !this.skip('comma')) this.fail('parseSignature: expected comma after expression', token.lineno, token.colno);
      // a trailing comma before ')' is fine in Python
      if (checkComma && !noParens && this.peekToken().type === 'right-paren') continue;
      if (this.skipValue('operator', '**')) kwargs.addChild(new DoubleStarArg(token.lineno, token.colno, this.parseExpression()));
      else if (this.skipValue('operator', '*')) args.addChild(new StarArg(token.lineno, token.colno, this.parseExpression()));
      else {
        const arg = this.parseExpression();
        if (this.skipValue('operator', '=')) kwargs.addChild(new Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
        else args.addChild(arg);
      }
      checkComma = true;
    }
    if (kwargs.children.length > 0) args.addChild(kwargs);
    return args;
  };
}

/** How the compiler emits what patchParser made. */
export function patchCompilerForParser(proto: CompilerPrototype): void {
  // inside a call's argument list: the list's items as arguments
  proto['compileAirlockStar'] = function compileStar(node, frame) {
    this._emit('...runtime.airlockStarArgs(');
    this.compile(node['value'], frame);
    this._emit(')');
  };
  // inside the keyword arguments' list of pairs (compileDict): the dict's items as pairs
  proto['compileAirlockDoubleStar'] = function compileDoubleStar(node, frame) {
    this._emit('...runtime.airlockStarKeywords(');
    this.compile(node['value'], frame);
    this._emit(')');
  };
}
