// The template sandbox, tried as an attacker would: every route from a template to JavaScript internals that we know
// of must end in a TemplateError (never a value, never code run), while the Python-style methods, globals and
// macros that Ansible templates use keep working.
import { expect } from 'chai';
import { createTemplater, TemplateError } from '../../../src/template/index.js';
import { assertNunjucksVersion, NUNJUCKS_VERSION } from '../../../src/template/nunjucks-internals.js';
import { readFileSync } from 'node:fs';

const templater = createTemplater();
const vars = { x: { a: 1, name: 'web' }, items: [{ name: 'b' }, { name: 'a' }], groups: { all: ['h1'] }, text: 'a,b' };

// What every payload's code would do if it ever ran: set a global the test then checks.
const CODE = '"return globalThis.airlockSandboxEscaped = 1"';

function escaped(): boolean {
  return (globalThis as Record<string, unknown>)['airlockSandboxEscaped'] !== undefined;
}

function refuse(template: string): string {
  let caught: unknown;
  try {
    templater.render(template, vars);
  } catch (error) {
    caught = error;
  }
  expect(escaped(), `${template} ran code`).to.equal(false);
  expect(caught, `${template} was accepted`).to.be.instanceOf(TemplateError);
  return (caught as Error).message;
}

describe('template sandbox: routes to JavaScript internals are refused', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)['airlockSandboxEscaped'];
  });

  const constructorRoutes: Record<string, string> = {
    'range': `{{ range.constructor(${CODE})() }}`,
    'cycler': `{{ cycler.constructor(${CODE})() }}`,
    'joiner': `{{ joiner.constructor(${CODE})() }}`,
    'lookup': `{{ lookup.constructor(${CODE})() }}`,
    'query': `{{ query.constructor(${CODE})() }}`,
    'a list literal': `{{ [].constructor.constructor(${CODE})() }}`,
    'a dict literal': `{{ {}.constructor.constructor(${CODE})() }}`,
    'a number literal': `{{ (1).constructor.constructor(${CODE})() }}`,
    'a string literal': `{{ ''.constructor.constructor(${CODE})() }}`,
    'a boolean': `{{ true.constructor.constructor(${CODE})() }}`,
    'an item lookup': `{{ groups['constructor']['constructor'](${CODE})() }}`,
    'a variable\'s dict': `{{ x['constructor']['constructor'](${CODE})() }}`,
    '__proto__': `{{ x.__proto__.constructor.constructor(${CODE})() }}`,
    'a bare name': `{{ constructor.constructor(${CODE})() }}`,
    'a str method': `{{ text.split.constructor(${CODE})() }}`,
    'a dict method': `{{ x.items.constructor(${CODE})() }}`,
    'a list method': `{{ items.append.constructor(${CODE})() }}`,
    'cycler().next': `{{ cycler(1).next.constructor(${CODE})() }}`,
    'joiner()': `{{ joiner(',').constructor(${CODE})() }}`,
    'a macro': `{% macro m() %}{% endmacro %}{{ m.constructor(${CODE})() }}`,
    'the loop object': `{% for i in [1] %}{{ loop.constructor.constructor(${CODE})() }}{% endfor %}`,
    'a safe string': `{{ ('a' | safe).constructor.constructor(${CODE})() }}`,
    'a filter result': `{{ (items | first).constructor.constructor(${CODE})() }}`,
    'a registered-style result': `{{ (items | map(attribute='name') | list).constructor.constructor(${CODE})() }}`,
  };
  for (const [route, template] of Object.entries(constructorRoutes)) {
    it(`through ${route}`, () => {
      expect(refuse(template)).to.match(/has no attribute|is undefined|not callable|is not a filter/);
    });
  }

  const functionProperties = ['call', 'apply', 'bind', 'caller', 'arguments', 'prototype', 'name', 'length', 'toString'];
  for (const property of functionProperties) {
    it(`no property of a function: range.${property}`, () => {
      expect(refuse(`{{ range.${property} }}`)).to.include(`'function' has no attribute '${property}'`);
    });
  }

  it('no prototype members of plain data: toString, valueOf, hasOwnProperty, __defineGetter__', () => {
    for (const name of ['toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '__lookupGetter__']) {
      expect(refuse(`{{ x.${name} }}`)).to.include(`'dict object' has no attribute '${name}'`);
      expect(refuse(`{{ items.${name} }}`)).to.include(`'list object' has no attribute '${name}'`);
    }
  });

  it('through filters that take attributes: map, sort, sum, join, groupby, selectattr', () => {
    expect(refuse(`{{ (items | map(attribute='constructor') | first)(${CODE}) }}`)).to.match(/not callable|has no attribute/);
    expect(refuse(`{{ (items | map(attribute='__proto__.constructor') | first)(${CODE}) }}`)).to.match(/not callable|has no attribute/);
    expect(refuse("{{ items | sort(attribute='constructor') | length }}")).to.include("has no attribute 'constructor'");
    expect(refuse("{{ items | sum(attribute='constructor') }}")).to.include("has no attribute 'constructor'");
    expect(refuse("{{ items | join(',', attribute='constructor') }}")).to.include("has no attribute 'constructor'");
    expect(refuse("{{ items | groupby('constructor') | length }}")).to.include("has no attribute 'constructor'");
    expect(templater.render("{{ items | selectattr('constructor') | list }}", vars)).to.deep.equal([]);
  });

  it('through filter and test names: | constructor, is constructor, map(\'constructor\')', () => {
    expect(refuse('{{ x | constructor }}')).to.include("no filter named 'constructor'");
    expect(refuse('{{ x is constructor }}')).to.include("no test named 'constructor'");
    expect(refuse("{{ items | map('constructor') | list }}")).to.include("no filter named 'constructor'");
    expect(refuse("{{ items | select('toString') | list }}")).to.include("no test named 'toString'");
  });

  it('a function is no value: no filter reads its source, and output never shows it', () => {
    expect(refuse('{{ range | string }}')).to.include('a function is not a value');
    expect(refuse('{{ lookup | to_json }}')).to.include('a function is not a value');
    expect(refuse('{{ range | length }}')).to.include('a function is not a value');
    expect(refuse('{{ range }}')).to.include("'range' is a function, not a value");
    expect(templater.renderString('{{ range }} {{ [lookup] }}', vars)).to.equal("<function> [<function>]");
  });

  it('through loops over a function or its properties', () => {
    refuse('{% for k in range.constructor %}{{ k }}{% endfor %}');
    refuse(`{% for f in [range] %}{{ f.constructor(${CODE})() }}{% endfor %}`);
    refuse(`{% for k, v in x.items() %}{{ v.constructor.constructor(${CODE})() }}{% endfor %}`);
  });

  it('calls only what airlock registered: a data value is not callable', () => {
    expect(refuse('{{ x.a() }}')).to.include("is not callable (it is a int object)");
    expect(refuse('{{ text() }}')).to.include('is not callable');
  });

  it("'in' sees own keys only, as Python's dict does", () => {
    expect(templater.render("{{ 'constructor' in x }}", vars)).to.equal(false);
    expect(templater.render("{{ 'toString' in {} }}", vars)).to.equal(false);
    expect(templater.render("{{ 'a' in x }}", vars)).to.equal(true);
  });

  it('cannot touch Object.prototype: dict literals, update, setdefault and combine keep __proto__ as a key', () => {
    const polluted = (): unknown => ({} as Record<string, unknown>)['polluted'];
    expect(templater.render("{{ {'__proto__': {'polluted': 1}} | list }}", vars)).to.deep.equal(['__proto__']);
    templater.render("{% set d = {} %}{% set _ = d.update({'__proto__': {'polluted': 1}}) %}{{ d }}", vars);
    templater.render("{% set d = {} %}{{ d.setdefault('__proto__', {'polluted': 1}) }}", vars);
    const combined = templater.render(`{{ {} | combine('{"__proto__": {"polluted": 1}}' | from_json) }}`, vars) as Record<string, unknown>;
    expect(polluted()).to.equal(undefined);
    expect(Object.getPrototypeOf(combined)).to.equal(Object.prototype);
    expect(Object.keys(combined)).to.deep.equal(['__proto__']);
    expect(templater.render("{{ x.get('constructor') }}", vars)).to.equal(null);
  });

  it('bounds range(): range(10**9) is an error, not the workstation out of memory', () => {
    expect(refuse('{{ range(10**9) | list | length }}')).to.include('more than the limit of 1000000');
  });

  it("bounds '*': 'x' * 10**9 is an error, not the workstation out of memory", () => {
    expect(refuse("{{ 'x' * 10**9 }}")).to.include('more than the limit of 16777216');
    expect(refuse('{{ [1, 2] * 10**9 }}')).to.include('more than the limit');
  });
});

describe('template sandbox: what Ansible templates use keeps working', () => {
  it('str, list and dict methods', () => {
    expect(templater.render("{{ text.split(',') }}", vars)).to.deep.equal(['a', 'b']);
    expect(templater.render("{{ 'Web'.lower().startswith('w') }}", vars)).to.equal(true);
    expect(templater.render('{{ x.items() | list }}', vars)).to.deep.equal([['a', 1], ['name', 'web']]);
    expect(templater.render("{{ x.get('missing', 7) }}", vars)).to.equal(7);
    expect(templater.render('{{ x.keys() | list }}', vars)).to.deep.equal(['a', 'name']);
    expect(templater.renderString('{% set l = [1] %}{% set _ = l.append(2) %}{% set _ = l.extend([3]) %}{{ l }} {{ l.index(3) }} {{ l.count(1) }}', vars))
      .to.equal('[1, 2, 3] 2 1');
    expect(templater.renderString("{% set d = {'a': 1} %}{% set _ = d.update({'b': 2}) %}{{ d.pop('a') }} {{ d }}", vars)).to.equal("1 {'b': 2}");
  });

  it("'*' as Python: numbers multiply, strings and lists repeat", () => {
    expect(templater.render("{{ '=' * 5 }}", vars)).to.equal('=====');
    expect(templater.render("{{ 3 * 'ab' }}", vars)).to.equal('ababab');
    expect(templater.render('{{ [1, [2]] * 2 }}', vars)).to.deep.equal([1, [2], 1, [2]]);
    expect(templater.render("{{ 'x' * -1 }}", vars)).to.equal('');
    expect(templater.render('{{ 6 * 7 }}', vars)).to.equal(42);
  });

  it('slices of strings are strings and of lists lists, with negative steps', () => {
    expect(templater.render("{{ 'abcdef'[1:4] }}", vars)).to.equal('bcd');
    expect(templater.render("{{ 'abcdef'[::-1] }}", vars)).to.equal('fedcba');
    expect(templater.render('{{ [1, 2, 3, 4][1:] }}', vars)).to.deep.equal([2, 3, 4]);
    expect(templater.render('{{ [1, 2, 3, 4][-2:] }}', vars)).to.deep.equal([3, 4]);
    expect(templater.render('{{ [1, 2, 3, 4][::2] }}', vars)).to.deep.equal([1, 3]);
  });

  it('range, cycler, joiner, macros and call blocks', () => {
    expect(templater.render('{{ range(3) | list }}', vars)).to.deep.equal([0, 1, 2]);
    expect(templater.render('{{ range(1, 10, 3) | list }}', vars)).to.deep.equal([1, 4, 7]);
    expect(templater.renderString("{% set c = cycler('odd', 'even') %}{{ c.next() }} {{ c.next() }} {{ c.next() }} {{ c.current }}", vars)).to.equal('odd even odd even');
    expect(templater.renderString("{% set j = joiner(' | ') %}{% for i in [1, 2, 3] %}{{ j() }}{{ i }}{% endfor %}", vars)).to.equal('1 | 2 | 3');
    expect(templater.render('{% macro pair(k, v) %}{{ k }}={{ v }}{% endmacro %}{{ pair("a", 1) }}', vars)).to.equal('a=1');
    expect(templater.renderString('{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}in{% endcall %}', vars)).to.equal('[in]');
  });
});

describe('template runtime: the nunjucks it patches', () => {
  it('is the exact version the facade was written for, pinned in package.json', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies['nunjucks']).to.equal(NUNJUCKS_VERSION);
    expect(() => assertNunjucksVersion(NUNJUCKS_VERSION)).to.not.throw();
    expect(() => assertNunjucksVersion('3.2.5')).to.throw('written for nunjucks 3.2.4, but 3.2.5 is installed');
  });
});
