// Ansible-compatible templating on nunjucks (a maintained Jinja2 port): what the executor uses to render task
// arguments, `when:` conditions, loops and template files, per host, at run time.
//   render(value, vars)      deep: a string that is exactly "{{ expr }}" returns the native value (list, dict, number)
//   renderString(text, vars) always a string (template files, names)
//   evaluate(expr, vars)     a bare Jinja expression (loop:, until:, registered-var access)
//   test(expr, vars)         Ansible's conditional (`when:`, `failed_when:`, `changed_when:`)
// Templates compile once per distinct text (cached): the hot path is thousands of hosts x tasks.
// Variables are LAZY: a var whose value is itself a template renders when first read (per call), loops are errors.
// Host data (src/util/unsafe.ts) is never rendered; a render that reads it is marked, and renderKeepingUnsafe()
// hands that mark on to whatever stores the result (set_fact, loop items), as Ansible keeps its values unsafe.
// Everything a template can touch goes through the sandbox (sandbox.ts).
import nunjucks from 'nunjucks';
import { environmentInternals, nunjucksInternals } from './nunjucks-internals.js';
import type { Vars } from '../types/vars.js';
import { TemplateError } from './errors.js';
import { TemplateUndefined, UndefinedVariableError } from './undefined.js';
import { installAirlockRuntime, withScope, type VariableScope } from './runtime.js';
import { currentVariableScope } from './runtime.js';
import { ACCEPTS_UNDEFINED, buildFilters, type FilterFunction, type TestFunction } from './filters.js';
import { TESTS_ACCEPTING_UNDEFINED, buildTests } from './tests.js';
import { buildGlobals, runLookup, sandboxedGlobals } from './globals.js';
import { controllerLookup } from './lookups-controller.js';
import { toNunjucksSyntax } from './syntax.js';
import { isMapping, pyTruthy } from './python-values.js';
import { allowCall, allowCallWithFloats } from './sandbox.js';
import { isUnsafe, toUnsafe, unboxUnsafe, UnsafeText } from '../util/unsafe.js';
import { PyFloat, floatsBoxed, pyFloatRepr, unboxFloat, withoutFloatBoxes } from './python-float.js';
import { compilingTemplateFile } from './parser-patches.js';
import { PyDateTime } from './python-datetime.js';
import { literalEval, NOT_A_LITERAL } from '../parsing/python-literal.js';
import { shortName, withQualifiedNames } from './qualified-names.js';

/** Filters and tests that must see a float as a float (every other one gets a plain number). */
const SEES_FLOATS = new Set(['string', 'type_debug', 'abs', 'float', 'integer', 'number', 'int', 'round']);

/** A filter's or test's argument: host text as text, a float box as its number (unless it must see the box). */
function plainArgument(name: string, value: unknown): unknown {
  const unboxed = unboxUnsafe(value);
  return SEES_FLOATS.has(shortName(name)) ? unboxed : unboxFloat(unboxed);
}

/** Filters whose text Ansible never turns back into a list or dict (its STRING_TYPE_FILTERS). */
const STRING_TYPE_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);

/**
 * Ansible 2.14 (ansible_eval_concat) renders "{{ expr }}" through str(), then reads text that looks like a list, a
 * dict or a bool back with literal_eval: a float comes back as text ("3.5"), '[1, 2]' as a list, 'True' as true.
 * `kept` are the texts string-type filters made, which stay text.
 */
function finishValue(value: unknown, boxedBefore: number, kept: ReadonlySet<string>): unknown {
  if (value instanceof PyDateTime) return String(value);
  if (value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value))) return pyFloatRepr(Number(value));
  if (typeof value === 'string' && !kept.has(value)) return literalText(value);
  return floatsBoxed() === boxedBefore ? value : withoutFloatBoxes(value);
}

/** Text that starts as a list or dict, or is True/False, read as Python (with JSON's true/false/null) if it parses. */
function literalText(text: string): unknown {
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (!text.startsWith('{') && !text.startsWith('[')) return text;
  try {
    const literal = literalEval(text);
    return literal !== NOT_A_LITERAL ? literal : JSON.parse(text) as unknown;
  } catch {
    return text; // not a literal after all: Ansible keeps the text too
  }
}

export { TemplateError } from './errors.js';
export { OMIT, isOmitted } from './globals.js';

export interface Templater {
  render(value: unknown, vars: Vars): unknown;
  /**
   * As render(), for values that are STORED as variables (set_fact's arguments, a loop's list): a result built from
   * host data comes back unsafe (an UnsafeText or a marked copy), judged per key when `value` is a mapping.
   */
  renderKeepingUnsafe(value: unknown, vars: Vars): unknown;
  renderString(template: string, vars: Vars): string;
  /** A template module's file: as renderString, with Jinja's escapes in every string literal (no Ansible doubling). */
  renderTemplateFile(template: string, vars: Vars): string;
  evaluate(expression: string, vars: Vars): unknown;
  test(expression: string, vars: Vars): boolean;
  /**
   * `with_<plugin>: terms`: the terms templated (a string or a list of them, as Ansible's listify does), then lookup
   * `plugin` run on them. Like renderKeepingUnsafe, the list comes back unsafe when it was built from host data.
   */
  queryLoop(plugin: string, terms: unknown, vars: Vars): unknown[];
}

export interface TemplaterOptions {
  /** compile each distinct template once (default true); false only to measure what the cache saves */
  cache?: boolean;
  /** maximum number of cached compiled templates before the cache is flushed */
  cacheSize?: number;
}

/** True when a string has Jinja syntax; everything else is returned untouched (and fast). */
export function isTemplated(text: string): boolean {
  return text.includes('{{') || text.includes('{%') || text.includes('{#');
}

/** Does a value contain any template that rendering would change? Host data never does: it is not rendered. */
export function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return isTemplated(value);
  if (typeof value !== 'object' || value === null || isUnsafe(value)) return false;
  if (Array.isArray(value)) return value.some(containsTemplate);
  return Object.values(value).some(containsTemplate);
}

/** Variables the executor provides that are never templates themselves (and may be large). */
const NEVER_TEMPLATED = new Set(['hostvars', 'groups', 'ansible_facts', 'play_hosts', 'ansible_play_hosts', 'ansible_play_batch']);

interface Compiled {
  render(context: Record<string, unknown>): string;
}

const NOTHING_CAPTURED = Symbol('nothing captured');

/** "{{ expr }}" with nothing around it: Ansible returns the expression's native value. */
function singleExpression(text: string): string | undefined {
  const match = /^\{\{(?!-)([\s\S]*?)(?<!-)\}\}$/.exec(text);
  const inner = match?.[1];
  if (inner === undefined || inner.includes('{{') || inner.includes('{%')) return undefined;
  return inner.trim();
}

function rootCause(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 10; depth += 1) {
    if (current instanceof TemplateError || current instanceof UndefinedVariableError) return current;
    if (!(current instanceof Error) || current.cause === undefined) return current;
    current = current.cause;
  }
  return current;
}

export function createTemplater(options: TemplaterOptions = {}): Templater {
  installAirlockRuntime();
  const useCache = options.cache ?? true;
  const cacheSize = options.cacheSize ?? 20_000;
  const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, trimBlocks: true, dev: true });
  let captured: unknown = NOTHING_CAPTURED;
  /** the texts string-type filters made in the evaluation in progress (finishValue keeps them as text) */
  let keptStrings = new Set<string>();

  const internals = environmentInternals(env);
  const ownEntry = <T>(table: Record<string, T>, kind: string, name: string): T => {
    if (!Object.prototype.hasOwnProperty.call(table, name)) throw new Error(`no ${kind} named '${name}'`);
    return table[name] as T;
  };
  // by name, from airlock's own tables only: `x | constructor` must not find Object.prototype.constructor
  internals.getFilter = (name) => ownEntry(internals.filters, 'filter', name);
  internals.getTest = (name) => ownEntry(internals.tests, 'test', name);
  const filters = buildFilters({ filter: internals.getFilter, test: internals.getTest });
  const safeString = nunjucksInternals().runtime.SafeString;
  // nunjucks' own filters (indent, dictsort, batch, ...) stay available, with Ansible's undefined handling.
  const allFilters: Record<string, FilterFunction> = withQualifiedNames({ ...internals.filters, ...filters });
  for (const [name, filter] of Object.entries(allFilters)) {
    env.addFilter(name, function airlockFilter(this: unknown, input: unknown, ...rawArgs: unknown[]) {
      // a variable's boxed host text (hostvars[h].x inside a dict) reaches a filter as its text
      const value = plainArgument(name, input);
      const args = rawArgs.map((arg) => plainArgument(name, arg));
      if (value instanceof TemplateUndefined && !ACCEPTS_UNDEFINED.has(shortName(name))) throw value.toError();
      // a function is not data: no filter may read its source, name or properties
      if (typeof value === 'function' || args.some((arg) => typeof arg === 'function')) throw new Error(`filter '${name}': a function is not a value`);
      const raw = filter.call(this, value, ...args);
      const result = raw instanceof safeString ? String(raw) : raw;
      if (typeof result === 'string' && STRING_TYPE_FILTERS.has(shortName(name))) keptStrings.add(result);
      return result;
    });
  }
  const allTests: Record<string, TestFunction> = withQualifiedNames({ ...internals.tests, ...buildTests() });
  for (const [name, test] of Object.entries(allTests)) {
    internals.addTest(name, function airlockTest(this: unknown, input: unknown, ...args: unknown[]) {
      const value = plainArgument(name, input);
      if (value instanceof TemplateUndefined && !TESTS_ACCEPTING_UNDEFINED.has(shortName(name))) throw value.toError();
      return test.call(this, value, ...args.map((arg) => plainArgument(name, arg)));
    });
  }
  // nunjucks' own range/cycler/joiner are replaced: the sandbox's versions are bounded and expose only callables
  const globals: Record<string, unknown> = { ...sandboxedGlobals(), ...buildGlobals(currentVariableScope) };
  globals['__airlock_capture'] = (value: unknown) => {
    captured = value;
    return '';
  };
  for (const name of Object.keys(internals.globals)) delete internals.globals[name];
  for (const [name, value] of Object.entries(globals)) {
    const allow = name === '__airlock_capture' ? allowCallWithFloats : allowCall;
    env.addGlobal(name, typeof value === 'function' ? allow(value as (...args: never[]) => unknown) : value);
  }

  const cache = new Map<string, Compiled>();
  /** `templateFile`: a template module's file, whose string literals Ansible reads with Jinja's escapes. */
  function compile(source: string, templateFile = false): Compiled {
    const key = templateFile ? `file:${source}` : source;
    let compiled = useCache ? cache.get(key) : undefined;
    if (compiled === undefined) {
      const make = (): Compiled => new nunjucks.Template(toNunjucksSyntax(source), env, undefined, true) as unknown as Compiled;
      compiled = templateFile ? compilingTemplateFile(make) : make();
      if (useCache) {
        if (cache.size >= cacheSize) cache.clear();
        cache.set(key, compiled);
      }
    }
    return compiled;
  }

  /** Resolves the task's variables on first access, rendering those that are templates (per top-level call). */
  class LazyScope implements VariableScope {
    private readonly resolved = new Map<string, unknown>();
    private readonly resolving: string[] = [];
    /** one flag per render in progress, innermost last: did it read host data? */
    private readonly taint: boolean[] = [];
    /** lazily rendered variables whose value was built from host data */
    private readonly unsafeNames = new Set<string>();
    constructor(private readonly vars: Vars) {}
    has(name: string): boolean {
      return Object.prototype.hasOwnProperty.call(this.vars, name);
    }
    noteUnsafe(): void {
      // every enclosing render uses what the innermost one produced
      this.taint.fill(true);
    }
    readHostData(): boolean {
      return this.taint.some(Boolean);
    }
    /** Run one render and say whether it read host data. */
    tracked<T>(render: () => T): { value: T; unsafe: boolean } {
      this.taint.push(false);
      try {
        const value = render();
        return { value, unsafe: this.taint[this.taint.length - 1] === true };
      } finally {
        this.taint.pop();
      }
    }
    get(name: string): unknown {
      const raw = this.vars[name];
      if (raw instanceof UnsafeText || isUnsafe(raw)) {
        this.noteUnsafe();
        return raw instanceof UnsafeText ? raw.text : raw;
      }
      if (this.resolved.has(name)) {
        if (this.unsafeNames.has(name)) this.noteUnsafe();
        return this.resolved.get(name);
      }
      if (NEVER_TEMPLATED.has(name)) return raw;
      if (!containsTemplate(raw)) {
        this.resolved.set(name, raw); // a large plain dict is scanned once per render, not once per access
        return raw;
      }
      const loopStart = this.resolving.indexOf(name);
      if (loopStart >= 0) {
        const chain = [...this.resolving.slice(loopStart), name].join(' -> ');
        throw new TemplateError(String(raw), new Error(`recursive loop detected in template: variable ${chain}`));
      }
      this.resolving.push(name);
      try {
        const { value, unsafe } = this.tracked(() => renderDeep(raw, this));
        this.resolved.set(name, value);
        if (unsafe) {
          this.unsafeNames.add(name);
          this.noteUnsafe();
        }
        return value;
      } finally {
        this.resolving.pop();
      }
    }
  }

  function run<T>(source: string, scope: VariableScope, body: () => T): T {
    try {
      return withScope(scope, body);
    } catch (error) {
      const cause = rootCause(error);
      if (cause instanceof TemplateError) throw cause;
      throw new TemplateError(source, cause);
    }
  }

  /** `asText`: a float result comes back as Python's str() of it (a render); a condition keeps the number. */
  function evaluateIn(expression: string, scope: VariableScope, source: string, asText = true): unknown {
    return run(source, scope, () => {
      const compiled = compile(`{{ __airlock_capture((${expression})) }}`);
      const boxedBefore = floatsBoxed();
      const outerKept = keptStrings;
      keptStrings = new Set();
      captured = NOTHING_CAPTURED;
      let kept: ReadonlySet<string>;
      try {
        compiled.render({});
      } finally {
        kept = keptStrings;
        keptStrings = outerKept;
      }
      const value = captured;
      captured = NOTHING_CAPTURED;
      if (value === NOTHING_CAPTURED) throw new Error('expression produced no value');
      if (value instanceof TemplateUndefined) throw value.toError();
      if (typeof value === 'function') throw new Error(`'${expression.trim()}' is a function, not a value`);
      if (!asText) return withoutFloatBoxes(value);
      // a bare variable keeps its number type, as Ansible's SINGLE_VAR shortcut does (its text is still read back)
      if (/^\s*[A-Za-z_]\w*\s*$/.test(expression) && typeof value !== 'string') return withoutFloatBoxes(value);
      return finishValue(value, boxedBefore, kept);
    });
  }

  function renderText(text: string, scope: VariableScope): unknown {
    if (!isTemplated(text)) return text;
    const expression = singleExpression(text);
    if (expression !== undefined && expression !== '') {
      try {
        compile(`{{ __airlock_capture((${expression})) }}`);
      } catch {
        return renderToString(text, scope); // e.g. "{{ a }} and {{ b }}": not one expression after all
      }
      return evaluateIn(expression, scope, text);
    }
    return renderToString(text, scope);
  }

  function renderToString(text: string, scope: VariableScope, templateFile = false): string {
    if (!isTemplated(text)) return text;
    return run(text, scope, () => compile(text, templateFile).render({}));
  }

  function renderDeep(value: unknown, scope: VariableScope): unknown {
    if (typeof value === 'string') return renderText(value, scope);
    if (value instanceof UnsafeText) {
      scope.noteUnsafe();
      return value.text;
    }
    if (!containsTemplate(value)) return value;
    if (Array.isArray(value)) return value.map((item) => renderDeep(item, scope));
    if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, scope)]));
    return value;
  }

  /** `when: "{{ x }}"` is `x`; `when: "{{ a }} == 1"` renders the braces first (as Ansible, with its warning). */
  function bareExpression(expression: string, scope: VariableScope): string {
    const trimmed = expression.trim();
    const single = singleExpression(trimmed);
    if (single !== undefined) return single;
    return trimmed.includes('{{') ? renderToString(trimmed, scope) : trimmed;
  }

  /** One top-level render, tracked: whether it has read host data is known while it runs (lookups-controller.ts). */
  function tracking<T>(vars: Vars, render: (scope: LazyScope) => T): T {
    const scope = new LazyScope(vars);
    return scope.tracked(() => render(scope)).value;
  }

  /** A rendered value to store: unsafe when its render read host data. */
  function keepUnsafe(value: unknown, scope: LazyScope): unknown {
    const { value: rendered, unsafe } = scope.tracked(() => renderDeep(value, scope));
    return unsafe ? toUnsafe(rendered) : rendered;
  }

  return {
    render: (value, vars) => tracking(vars, (scope) => renderDeep(value, scope)),
    renderKeepingUnsafe: (value, vars) => {
      const scope = new LazyScope(vars);
      if (!isMapping(value) || isUnsafe(value)) return keepUnsafe(value, scope);
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, keepUnsafe(item, scope)]));
    },
    renderString: (template, vars) => tracking(vars, (scope) => renderToString(template, scope)),
    renderTemplateFile: (template, vars) => tracking(vars, (scope) => renderToString(template, scope, true)),
    evaluate: (expression, vars) => tracking(vars, (scope) => evaluateIn(bareExpression(expression, scope), scope, expression)),
    test: (expression, vars) => tracking(vars, (scope) => conditionalTruth(evaluateIn(bareExpression(expression, scope), scope, expression, false))),
    queryLoop: (plugin, terms, vars) => {
      const scope = new LazyScope(vars);
      if (plugin.replace(/^ansible\.builtin\./, '') === 'lines') {
        // with_lines runs its terms as controller commands: never when they were built from host data
        const { value: commands, unsafe } = scope.tracked(() => run('with_lines', scope, () => renderDeep(terms, scope)));
        const cwd = typeof vars['playbook_dir'] === 'string' ? vars['playbook_dir'] : undefined;
        return toUnsafe(controllerLookup('lines', Array.isArray(commands) ? commands : [commands], { cwd, readHostData: unsafe }) ?? []) as unknown[];
      }
      const { value, unsafe } = scope.tracked(() => run(`with_${plugin}`, scope, () => {
        const rendered = renderDeep(terms, scope);
        return runLookup(plugin, Array.isArray(rendered) ? rendered : [rendered], scope);
      }));
      return (unsafe ? toUnsafe(value) : value) as unknown[];
    },
  };
}


const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'n', 'f', 'none', '']);

/** Ansible's `when:` on a value: a string 'false'/'no'/'off'/'0' is false, as a bare `when: var` expects. */
export function conditionalTruth(value: unknown): boolean {
  if (typeof value === 'string') return !FALSE_WORDS.has(value.trim().toLowerCase());
  return pyTruthy(value);
}
