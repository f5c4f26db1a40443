// The one typed view of nunjucks' internals that airlock patches or reads (none are in @types/nunjucks): the runtime
// functions compiled templates call, the lexer, the compiler's emitters, and an Environment's tables. It was written
// for nunjucks 3.2.4, which package.json pins exactly; loading any other version is refused here, at once, rather
// than letting a changed internal quietly bypass the sandbox.
import nunjucks from 'nunjucks';
import nunjucksPackage from 'nunjucks/package.json' with { type: 'json' };
import type { FilterFunction, TestFunction } from './filters.js';

export const NUNJUCKS_VERSION = '3.2.4';

interface Frame {
  lookup(name: string): unknown;
}
interface Context {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}
export type Lookup = (obj: unknown, key: unknown, ...slice: unknown[]) => unknown;
type Call = (fn: unknown, name: string, context: unknown, args: unknown[]) => unknown;
type MacroFactory = (argNames: unknown, kwargNames: unknown, body: (...args: never[]) => unknown) => (...args: never[]) => unknown;
export interface Runtime {
  contextOrFrameLookup(context: Context, frame: Frame, name: string): unknown;
  memberLookup: Lookup;
  callWrap: Call;
  makeMacro: MacroFactory;
  inOperator(needle: unknown, haystack: unknown): boolean;
  suppressValue(value: unknown, autoescape: boolean): unknown;
  fromIterator(value: unknown): unknown;
  SafeString: new (...args: never[]) => object;
  [helper: string]: unknown;
}
interface CompilerNode {
  [field: string]: unknown;
}
interface CompilerThis {
  _emit(code: string): void;
  _emitLine(code: string): void;
  compile(node: unknown, frame: unknown): void;
  _compileExpression(node: unknown, frame: unknown): void;
  _withScopedSyntax(fn: () => void): void;
}
export type Emitter = (this: CompilerThis, node: CompilerNode, frame: unknown, async?: boolean) => void;
export interface CompilerPrototype {
  [method: string]: Emitter;
}
interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}
export interface Tokenizer {
  in_code: boolean;
  str: string;
  index: number;
  lineno: number;
  colno: number;
  forward(): void;
  nextToken(): Token | null;
}
export interface NunjucksInternals {
  runtime: Runtime;
  lexer: { lex(src: string, opts: unknown): Tokenizer };
  compiler: { Compiler: { prototype: CompilerPrototype } };
  /** the parser and node classes, typed where they are patched (parser-patches.ts) */
  parser: unknown;
  nodes: unknown;
  installJinjaCompat(): void;
}

/** An Environment's tables and lookups, which the templater reads and replaces. */
export interface EnvironmentInternals {
  filters: Record<string, FilterFunction>;
  tests: Record<string, TestFunction>;
  globals: Record<string, unknown>;
  getFilter(name: string): FilterFunction;
  getTest(name: string): TestFunction;
  addTest(name: string, fn: TestFunction): void;
}

let checked = false;

/** Throws unless `found` is the nunjucks version this facade was written for. */
export function assertNunjucksVersion(found: unknown): void {
  if (found !== NUNJUCKS_VERSION) {
    throw new Error(`airlock's template runtime was written for nunjucks ${NUNJUCKS_VERSION}, but ${String(found)} is installed (run npm ci)`);
  }
}

function checkVersion(): void {
  if (checked) return;
  assertNunjucksVersion((nunjucksPackage as { version?: unknown }).version);
  checked = true;
}

export function nunjucksInternals(): NunjucksInternals {
  checkVersion();
  return nunjucks as unknown as NunjucksInternals;
}

export function environmentInternals(env: nunjucks.Environment): EnvironmentInternals {
  checkVersion();
  return env as unknown as EnvironmentInternals;
}
