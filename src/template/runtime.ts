// Makes nunjucks behave like Ansible's Jinja2 where playbooks notice the difference. nunjucks has no hooks for
// these, so we wrap a few of its runtime functions and compiler emitters, once per process. Every wrapper falls
// back to nunjucks' own behaviour unless one of OUR renders is running (`activeScopes` non-empty), so any other
// nunjucks user in the process is unaffected.
//   - variables resolve through a lazy scope (vars that are themselves templates render on first access);
//   - a missing variable or attribute is a TemplateUndefined (error on use, fine under `default`/`is defined`);
//   - `if`, `not`, `and`, `or`, inline `if` use Python truthiness ([] and {} are false);
//   - `==`/`!=` compare like Python (deep for lists and dicts, no '1' == 1);
//   - output writes Python's str() of a value (True, None, ['a', 'b']);
//   - Python's str/list/dict methods (`x.split(',')`, `d.items()`, `l[-1]`) and slices (`l[1:]`) work;
//   - member lookups, calls, `in` and dict literals go through the sandbox (sandbox.ts): no template can
//     reach a prototype, a constructor or a function's properties, nor call what airlock did not register.
import { TemplateUndefined } from './undefined.js';
import { nunjucksInternals, type CompilerPrototype, type Emitter, type Runtime, type Tokenizer } from './nunjucks-internals.js';
import { pyStr, pyTruthy, pyTypeName } from './python-values.js';
import { pyEquals } from './python-compare.js';
import { allowCall, buildDict, callFunction, lookupMember, pyContains, pySlice } from './sandbox.js';
import { isMapping } from './python-values.js';
import { pyArithmetic, pyFloat } from './python-float.js';
import { pyPercentFormat } from './python-format.js';
import { patchCompilerForParser, patchParser, readStringLiterals, type NodeInternals, type ParserInternals } from './parser-patches.js';

/** Where a template's free variables come from: the task's vars, resolved lazily. */
export interface VariableScope {
  has(name: string): boolean;
  get(name: string): unknown;
  /** the render in progress read host data (an unsafe value): what it builds is host data too */
  noteUnsafe(): void;
  /** has the render in progress read host data so far? (a controller command must not be made of it) */
  readHostData?(): boolean;
}

const activeScopes: VariableScope[] = [];

/** Run `render` with `scope` as the source of variables; nested renders (lazy vars) push their own scope. */
export function withScope<T>(scope: VariableScope, render: () => T): T {
  activeScopes.push(scope);
  try {
    return render();
  } finally {
    activeScopes.pop();
  }
}

function currentScope(): VariableScope | undefined {
  return activeScopes[activeScopes.length - 1];
}

let installed = false;

export function installAirlockRuntime(): void {
  if (installed) return;
  installed = true;
  const internals = nunjucksInternals();
  // nunjucks' own Jinja compatibility: slices, True/False/None names, list/dict methods (append, items, keys...).
  internals.installJinjaCompat();
  wrapRuntime(internals.runtime);
  balanceCurlyBraces(internals.lexer);
  readStringLiterals(internals.lexer);
  patchParser(internals.parser as ParserInternals, internals.nodes as NodeInternals);
  patchCompiler(internals.compiler.Compiler.prototype);
  patchCompilerForParser(internals.compiler.Compiler.prototype);
}

function wrapRuntime(runtime: Runtime): void {
  const originalLookup = runtime.contextOrFrameLookup.bind(runtime);
  runtime.contextOrFrameLookup = (context, frame, name) => {
    const scope = currentScope();
    if (scope === undefined) return originalLookup(context, frame, name);
    const local = frame.lookup(name);
    if (local !== undefined) return local;
    if (Object.prototype.hasOwnProperty.call(context.ctx, name)) return context.ctx[name];
    if (scope.has(name)) return scope.get(name);
    // own globals only: `name in globals` would find Object.prototype's `constructor`
    if (Object.prototype.hasOwnProperty.call(context.env.globals, name)) return context.env.globals[name];
    if (name === 'True') return true;
    if (name === 'False') return false;
    if (name === 'None') return null;
    return TemplateUndefined.forVariable(name);
  };

  const originalMember = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(this: unknown, obj: unknown, key: unknown, ...slice: unknown[]): unknown {
    const scope = currentScope();
    if (scope === undefined) return originalMember.call(this, obj, key, ...slice);
    // jinja-compat compiles `x[a:b:c]` as memberLookup(x, a, b, c)
    if (slice.length > 0) return pySlice(obj, key, slice[0], slice[1]);
    return lookupMember(obj, key, () => scope.noteUnsafe());
  };

  const originalCall = runtime.callWrap.bind(runtime);
  runtime.callWrap = (fn, name, context, args) =>
    currentScope() === undefined ? originalCall(fn, name, context, args) : callFunction(fn, name, context, args);

  // macros (and `caller` of {% call %}) are made by the template itself: they may be called, and give a plain string
  const originalMacro = runtime.makeMacro.bind(runtime);
  const SafeString = runtime.SafeString as new (...args: never[]) => object;
  runtime.makeMacro = (argNames, kwargNames, body) => {
    const macro = originalMacro(argNames, kwargNames, body);
    return allowCall(function airlockMacro(this: unknown, ...args: never[]): unknown {
      const output = macro.apply(this, args);
      return output instanceof SafeString ? String(output) : output;
    });
  };

  const originalIn = runtime.inOperator.bind(runtime);
  runtime.inOperator = (needle, haystack) => (currentScope() === undefined ? originalIn(needle, haystack) : pyContains(needle, haystack));
  runtime.airlockDict = buildDict;

  const originalSuppress = runtime.suppressValue.bind(runtime);
  // Ansible's finalize: None writes nothing into a string ("a{{ none }}b" is "ab"); everything else is Python's str()
  runtime.suppressValue = (value, autoescape) => {
    if (currentScope() === undefined) return originalSuppress(value, autoescape);
    return value === null ? '' : pyStr(value);
  };

  const originalFromIterator = runtime.fromIterator.bind(runtime);
  runtime.fromIterator = (value) => {
    if (value instanceof TemplateUndefined) throw value.toError();
    return originalFromIterator(value);
  };

  const truthy = (value: unknown): boolean => (currentScope() === undefined ? Boolean(value) : pyTruthy(value));
  runtime.airlockTruthy = truthy;
  runtime.airlockAnd = (left: unknown, right: () => unknown): unknown => (truthy(left) ? right() : left);
  runtime.airlockOr = (left: unknown, right: () => unknown): unknown => (truthy(left) ? left : right());
  runtime.airlockAdd = (left: unknown, right: unknown): unknown => {
    if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
    if (typeof left === 'string' && typeof right === 'string') return left + right;
    return arithmetic('+', left, right);
  };
  runtime.airlockMul = pyMultiply;
  runtime.airlockArithmetic = arithmetic;
  runtime.airlockFloat = pyFloat;
  // Jinja's `~` joins the str() of both sides: 'x' ~ true is 'xTrue', 'x' ~ [1] is 'x[1]'
  runtime.airlockConcat = (left: unknown, right: unknown): string => pyStr(left) + pyStr(right);
  runtime.airlockStarArgs = (value: unknown): unknown[] => {
    if (Array.isArray(value)) return value;
    if (typeof value === 'string') return [...value];
    if (isMapping(value)) return Object.keys(value);
    if (value instanceof TemplateUndefined) throw value.toError();
    throw new Error('argument after * must be an iterable');
  };
  runtime.airlockStarKeywords = (value: unknown): Array<[string, unknown]> => {
    if (value instanceof TemplateUndefined) throw value.toError();
    if (!isMapping(value)) throw new Error('argument after ** must be a mapping');
    return Object.entries(value);
  };
  runtime.airlockEquals = (left: unknown, right: unknown): boolean => (currentScope() === undefined ? left == right : pyEquals(left, right));
}

/**
 * Jinja's lexer balances braces, so `{{ d | combine({'a': {'b': 1}}) }}` works; nunjucks ends the expression at the
 * first `}}`. While a `{` is open inside an expression, read `}` as a closing brace, never as the end tag.
 */
function balanceCurlyBraces(lexer: { lex(src: string, opts: unknown): Tokenizer }): void {
  const originalLex = lexer.lex.bind(lexer);
  lexer.lex = (src, opts) => {
    const tokenizer = originalLex(src, opts);
    const next = tokenizer.nextToken.bind(tokenizer);
    let depth = 0;
    tokenizer.nextToken = () => {
      if (tokenizer.in_code && depth > 0 && tokenizer.str.charAt(tokenizer.index) === '}') {
        const { lineno, colno } = tokenizer;
        tokenizer.forward();
        depth -= 1;
        return { type: 'right-curly', value: '}', lineno, colno };
      }
      const token = next();
      if (token?.type === 'left-curly') depth += 1;
      else if (token?.type === 'right-curly') depth = Math.max(0, depth - 1);
      else if (token?.type === 'variable-end' || token?.type === 'block-end') depth = 0;
      return token;
    };
    return tokenizer;
  };
}

function patchCompiler(proto: CompilerPrototype): void {
  // `{'__proto__': x}` as a JavaScript object literal would set the prototype: build dicts from [key, value] pairs
  proto.compileDict = function compileDict(node, frame) {
    this._emit('runtime.airlockDict([');
    const children = (node.children as unknown[] | undefined) ?? [];
    children.forEach((pair, index) => {
      if (index > 0) this._emit(',');
      this.compile(pair, frame);
    });
    this._emit('])');
  };
  proto.compilePair = function compilePair(node, frame) {
    const key = node.key as { typename?: string; value?: unknown };
    this._emit('[');
    // a bare name as a key is its text, as nunjucks has always read `{a: 1}`
    if (key.typename === 'Symbol') this._emit(JSON.stringify(String(key.value)));
    else this._compileExpression(key, frame);
    this._emit(',');
    this._compileExpression(node.value, frame);
    this._emit(']');
  };
  proto.compileIf = function compileIf(node, frame, async) {
    this._emit('if(runtime.airlockTruthy(');
    this._compileExpression(node.cond, frame);
    this._emitLine(')) {');
    this._withScopedSyntax(() => {
      this.compile(node.body, frame);
      if (async) this._emit('cb()');
    });
    if (node.else_) {
      this._emitLine('}\nelse {');
      this._withScopedSyntax(() => {
        this.compile(node.else_, frame);
        if (async) this._emit('cb()');
      });
    } else if (async) {
      this._emitLine('}\nelse {');
      this._emit('cb()');
    }
    this._emitLine('}');
  };
  proto.compileInlineIf = function compileInlineIf(node, frame) {
    this._emit('(runtime.airlockTruthy(');
    this.compile(node.cond, frame);
    this._emit(')?');
    this.compile(node.body, frame);
    this._emit(':');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('""');
    this._emit(')');
  };
  proto.compileNot = function compileNot(node, frame) {
    this._emit('!runtime.airlockTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  const shortCircuit = (helper: string): Emitter =>
    function emit(node, frame) {
      this._emit(`runtime.${helper}(`);
      this.compile(node.left, frame);
      this._emit(', function() { return ');
      this.compile(node.right, frame);
      this._emit('; })');
    };
  proto.compileAnd = shortCircuit('airlockAnd');
  proto.compileOr = shortCircuit('airlockOr');
  /**
   * `left OP right` as runtime.HELPER(left, right), or runtime.HELPER("OP", left, right) when `operator` is given:
   * Python's operator where JavaScript's means something else.
   */
  const pythonOperator = (helper: string, operator?: string): Emitter =>
    function emit(node, frame) {
      this._emit(`runtime.${helper}(${operator === undefined ? '' : `${JSON.stringify(operator)}, `}`);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit(')');
    };
  // Python's + concatenates lists ([1] + [2] == [1, 2]); JavaScript's would make the string "12".
  proto.compileAdd = pythonOperator('airlockAdd');
  // Python's * repeats strings and lists ('=' * 5); JavaScript's would give NaN.
  proto.compileMul = pythonOperator('airlockMul');
  proto.compileConcat = pythonOperator('airlockConcat');
  // `(a, b)` is a Python tuple (a list here); JavaScript's comma operator would keep only b
  const originalGroup = proto.compileGroup as Emitter;
  proto.compileGroup = function compileGroup(node, frame) {
    const children = (node.children as unknown[] | undefined) ?? [];
    if (children.length <= 1) {
      originalGroup.call(this, node, frame);
      return;
    }
    this._emit('[');
    children.forEach((child, index) => {
      if (index > 0) this._emit(',');
      this.compile(child, frame);
    });
    this._emit(']');
  };
  // Python's arithmetic: floats stay floats (4 / 2 is 2.0), // floors, % takes the divisor's sign
  proto.compileSub = pythonOperator('airlockArithmetic', '-');
  proto.compileDiv = pythonOperator('airlockArithmetic', '/');
  proto.compileFloorDiv = pythonOperator('airlockArithmetic', '//');
  proto.compileMod = pythonOperator('airlockArithmetic', '%');
  proto.compilePow = pythonOperator('airlockArithmetic', '**');
  proto.compileNeg = function compileNeg(node, frame) {
    this._emit('runtime.airlockArithmetic("-", 0, ');
    this.compile(node.target, frame);
    this._emit(')');
  };
  const originalLiteral = proto.compileLiteral as Emitter;
  proto.compileLiteral = function compileLiteral(node, frame) {
    if (node.airlockFloat === true && typeof node.value === 'number') this._emit(`runtime.airlockFloat(${String(node.value)})`);
    else originalLiteral.call(this, node, frame);
  };
  // nunjucks 3.2.4 emits test arguments without commas (`is version('2.9', '>')` is a syntax error): separate them.
  proto.compileIs = function compileIs(node, frame) {
    const right = node.right as { name?: { value: string }; value?: string; args?: { children: unknown[] } };
    const name = right.name ? right.name.value : String(right.value);
    this._emit(`env.getTest(${JSON.stringify(name)}).call(context, `);
    this.compile(node.left, frame);
    for (const argument of right.args?.children ?? []) {
      this._emit(', ');
      this.compile(argument, frame);
    }
    this._emit(') === true');
  };
  const originalCompare = proto.compileCompare as Emitter;
  proto.compileCompare = function compileCompare(node, frame) {
    const ops = node.ops as Array<{ type: string; expr: unknown }>;
    const only = ops[0];
    if (ops.length !== 1 || only === undefined || (only.type !== '==' && only.type !== '!=')) {
      originalCompare.call(this, node, frame);
      return;
    }
    this._emit(only.type === '!=' ? '!runtime.airlockEquals(' : 'runtime.airlockEquals(');
    this.compile(node.expr, frame);
    this._emit(', ');
    this.compile(only.expr, frame);
    this._emit(')');
  };
}

/** Numbers (and booleans) only, as Python's operators: an undefined side is its error, a string is not a number. */
function arithmetic(operator: string, left: unknown, right: unknown): unknown {
  if (left instanceof TemplateUndefined) throw left.toError();
  if (right instanceof TemplateUndefined) throw right.toError();
  // Python's printf-style formatting: '%s-%02d' % (name, n)
  if (operator === '%' && typeof left === 'string') return pyPercentFormat(left, right);
  const numeric = (value: unknown): boolean => typeof value === 'number' || typeof value === 'boolean' || value instanceof Object && typeof value.valueOf() === 'number';
  if (!numeric(left) || !numeric(right)) {
    throw new Error(`unsupported operand type(s) for ${operator}: '${pyTypeName(left)}' and '${pyTypeName(right)}'`);
  }
  return pyArithmetic(operator, left, right);
}

/** The longest string or list `*` may build: `'x' * 10**9` is an error, not the workstation out of memory. */
export const MAX_REPEAT_LENGTH = 16 * 1024 * 1024;

/** Python's `a * b`: numbers multiply; a str or list times an int repeats it (a negative count gives an empty one). */
function pyMultiply(left: unknown, right: unknown): unknown {
  const [sequence, count] = typeof right === 'number' && (typeof left === 'string' || Array.isArray(left)) ? [left, right]
    : typeof left === 'number' && (typeof right === 'string' || Array.isArray(right)) ? [right, left] : [undefined, undefined];
  if (sequence === undefined || count === undefined) {
    return arithmetic('*', left, right);
  }
  if (!Number.isInteger(count)) throw new Error(`can't multiply sequence by non-int of type 'float'`);
  const times = Math.max(0, count);
  if (sequence.length * times > MAX_REPEAT_LENGTH) throw new Error(`'*' would make ${sequence.length * times} items, more than the limit of ${MAX_REPEAT_LENGTH}`);
  return typeof sequence === 'string' ? sequence.repeat(times) : Array.from({ length: times }, () => sequence).flat();
}

/** The scope of the render in progress (for globals such as lookup('vars', ...)). */
export function currentVariableScope(): VariableScope | undefined {
  return currentScope();
}
