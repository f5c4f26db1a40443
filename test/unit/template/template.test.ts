import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemplater, OMIT, TemplateError } from '../../../src/template/index.js';
import { toUnsafe } from '../../../src/util/unsafe.js';

const templater = createTemplater();

const vars = {
  name: 'web01',
  port: 8080,
  enabled: true,
  disabled_text: 'false',
  yes_text: 'yes',
  empty_list: [],
  empty_dict: {},
  nothing: null,
  packages: ['nginx', 'curl', 'nginx'],
  users: [
    { name: 'alice', uid: 1001, admin: true },
    { name: 'bob', uid: 1002, admin: false },
  ],
  config: { listen: '0.0.0.0', tls: { enabled: true } },
  base: '/srv',
  app_dir: '{{ base }}/app',
  data_dir: '{{ app_dir }}/data',
  lazy_list: ['{{ base }}', '{{ port + 1 }}'],
  lazy_dict: { dir: '{{ data_dir }}' },
  loop_a: '{{ loop_b }}',
  loop_b: '{{ loop_a }}',
  registered: { changed: true, failed: false, rc: 0, stdout: 'ok' },
  failed_result: { changed: false, failed: true, rc: 1 },
  skipped_result: { changed: false, skipped: true },
  version: '2.10.1',
  csv: 'a,b,c',
};

function render(template: unknown): unknown {
  return templater.render(template, vars);
}

function renderError(template: unknown): TemplateError {
  try {
    render(template);
  } catch (error) {
    expect(error).to.be.instanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error(`expected ${JSON.stringify(template)} to fail`);
}

describe('templating: native values, as Ansible returns them', () => {
  const table: Array<[string, unknown]> = [
    ['{{ port }}', 8080],
    ['{{ enabled }}', true],
    ['{{ packages }}', ['nginx', 'curl', 'nginx']],
    ['{{ config }}', { listen: '0.0.0.0', tls: { enabled: true } }],
    ['{{ nothing }}', null],
    ['{{ port + 1 }}', 8081],
    ['{{ [1, 2] + [3] }}', [1, 2, 3]],
    ['{{ {"a": 1} }}', { a: 1 }],
    ['{{ {"a": {"b": 1}}}}', { a: { b: 1 } }],
    ['x{{ {"a": 1}["a"] }}y', 'x1y'],
    ['port {{ port }}', 'port 8080'],
    // None writes nothing into a string, as Ansible's finalize does (ansible-playbook prints 'True and ')
    ['{{ enabled }} and {{ nothing }}', 'True and '],
    ['list={{ packages[:2] }}', "list=['nginx', 'curl']"],
    ['plain text', 'plain text'],
    [' {{ port }}', ' 8080'],
    ['{{ name ~ "-" ~ port }}', 'web01-8080'],
  ];
  for (const [template, expected] of table) {
    it(`${JSON.stringify(template)} -> ${JSON.stringify(expected)}`, () => {
      expect(render(template)).to.deep.equal(expected);
    });
  }

  it('renders every string inside objects and arrays, leaving other values alone', () => {
    expect(render({ a: ['{{ port }}', 3, false, null], b: { c: '{{ name }}' } })).to.deep.equal({ a: [8080, 3, false, null], b: { c: 'web01' } });
  });

  it('renderString always gives a string, and keeps Jinja control structures', () => {
    expect(templater.renderString('{{ port }}', vars)).to.equal('8080');
    expect(templater.renderString('{% for u in users %}{{ u.name }}:{{ u.uid }}\n{% endfor %}', vars)).to.equal('alice:1001\nbob:1002\n');
    expect(templater.renderString('{% if empty_list %}x{% else %}empty{% endif %}', vars)).to.equal('empty');
  });

  it('does not touch strings marked unsafe (registered output that contains braces)', () => {
    const result = toUnsafe({ stdout: '{{ not_a_var }}' });
    expect(templater.render('{{ out.stdout }}', { out: result })).to.equal('{{ not_a_var }}');
  });
});

describe('templating: lazy variables', () => {
  it('resolves variables whose values are templates, transitively', () => {
    expect(render('{{ data_dir }}')).to.equal('/srv/app/data');
    expect(render('{{ lazy_list }}')).to.deep.equal(['/srv', 8081]);
    expect(render('{{ lazy_dict.dir }}')).to.equal('/srv/app/data');
  });

  it('reports a recursion loop with the chain of variables', () => {
    expect(renderError('{{ loop_a }}').message).to.include('recursive loop detected in template: variable loop_a -> loop_b -> loop_a');
  });

  it('does not render variables the template never reads (a broken unused var is harmless)', () => {
    expect(templater.render('{{ ok }}', { ok: 1, broken: '{{ missing }}' })).to.equal(1);
  });
});

describe('templating: undefined variables', () => {
  it('is an error naming the variable', () => {
    const error = renderError('{{ db_host }}');
    expect(error.message).to.include("'db_host' is undefined");
    expect(error.template).to.equal('{{ db_host }}');
  });

  it('is an error for missing attributes, in arithmetic and in filters', () => {
    expect(renderError('{{ config.port }}').message).to.include("'dict object' has no attribute 'port'");
    expect(renderError('{{ missing + 1 }}').message).to.include("'missing' is undefined");
    expect(renderError('{{ missing | upper }}').message).to.include("'missing' is undefined");
    expect(renderError('x {{ missing }} y').message).to.include("'missing' is undefined");
  });

  it('is fine under default and is defined', () => {
    expect(render('{{ missing | default("fallback") }}')).to.equal('fallback');
    expect(render('{{ config.port | default(443) }}')).to.equal(443);
    expect(render('{{ missing.deeper | d("x") }}')).to.equal('x');
    expect(render('{{ missing is defined }}')).to.equal(false);
    expect(render('{{ missing is undefined }}')).to.equal(true);
    expect(render('{{ "" | default("empty", true) }}')).to.equal('empty');
    expect(render('{{ "" | default("empty") }}')).to.equal('');
  });

  it('mandatory fails with the message given', () => {
    expect(renderError('{{ missing | mandatory("set missing!") }}').message).to.include('set missing!');
  });
});

describe('templating: conditionals (when:)', () => {
  const table: Array<[string, boolean]> = [
    ['enabled', true],
    ['disabled_text', false],
    ['yes_text', true],
    ['empty_list', false],
    ['empty_dict', false],
    ['nothing', false],
    ['not empty_list', true],
    ['port > 80 and name == "web01"', true],
    ['port == "8080"', false],
    ['packages | length == 3', true],
    ['"curl" in packages', true],
    ['missing is not defined', true],
    ['missing is defined and missing.x', false],
    ['registered is changed', true],
    ['registered is succeeded', true],
    ['failed_result is failed', true],
    ['skipped_result is skipped', true],
    ['version is version("2.9", ">=")', true],
    ['version is version("2.10.2", "lt")', true],
    ['name is match("web")', true],
    ['name is search("0[0-9]")', true],
    ['name is match("0")', false],
    ['"{{ enabled }}"', true],
    ['{{ port }} == 8080', true],
    ['True', true],
    ['[1] == [1]', true],
    ['config is mapping and packages is sequence and name is string and port is number', true],
    ['packages is iterable', true],
    ['empty_list is truthy', false],
    ['port in [80, 8080]', true],
    ['port is in [80, 8080]', true],
    ['port is not in [80, 443]', true],
    ['"is in" in name', false],
  ];
  for (const [expression, expected] of table) {
    it(`${expression} -> ${String(expected)}`, () => {
      expect(templater.test(expression, vars)).to.equal(expected);
    });
  }

  it('braces inside a condition render first, as in Ansible (so a string value becomes a bare name)', () => {
    expect(() => templater.test('{{ name }} == "web01"', vars)).to.throw(TemplateError, "'web01' is undefined");
  });

  it('an undefined bare variable in when is an error, not false', () => {
    expect(() => templater.test('missing', vars)).to.throw(TemplateError, "'missing' is undefined");
  });
});

describe('templating: filters', () => {
  const table: Array<[string, unknown]> = [
    ['{{ "yes" | bool }}', true],
    ['{{ "off" | bool }}', false],
    ['{{ "42" | int + 1 }}', 43],
    ['{{ "x" | int(7) }}', 7],
    ['{{ "0x1F" | int(base=16) }}', 31],
    // a float result renders as Python's str() of it, as Ansible 2.14 does
    ['{{ "2.5" | float * 2 }}', '5.0'],
    ['{{ port | string }}', '8080'],
    ['{{ " Ab " | trim | lower }}', 'ab'],
    ['{{ name | upper }}', 'WEB01'],
    ['{{ packages | join(",") }}', 'nginx,curl,nginx'],
    ['{{ packages | length }}', 3],
    ['{{ packages | count }}', 3],
    ['{{ packages | first }}', 'nginx'],
    ['{{ packages | last }}', 'nginx'],
    ['{{ packages | unique }}', ['nginx', 'curl']],
    ['{{ packages | unique | sort }}', ['curl', 'nginx']],
    ['{{ users | sort(attribute="uid", reverse=true) | map(attribute="name") | list }}', ['bob', 'alice']],
    ['{{ packages | map("upper") | list }}', ['NGINX', 'CURL', 'NGINX']],
    ['{{ users | selectattr("admin") | map(attribute="name") | list }}', ['alice']],
    ['{{ users | rejectattr("admin") | map(attribute="name") | list }}', ['bob']],
    ['{{ users | selectattr("uid", ">", 1001) | map(attribute="name") | first }}', 'bob'],
    ['{{ users | selectattr("name", "equalto", "alice") | list | length }}', 1],
    ['{{ [1, 2, 3, 4] | select("even") | list }}', [2, 4]],
    ['{{ [1, 2, 3, 4] | reject("odd") | list }}', [2, 4]],
    ['{{ config | to_json }}', '{"listen": "0.0.0.0", "tls": {"enabled": true}}'],
    ['{{ \'{"a": [1]}\' | from_json }}', { a: [1] }],
    ['{{ {"b": 1, "a": 2} | to_nice_json }}', '{\n    "a": 2,\n    "b": 1\n}'],
    ['{{ {"a": [1, 2]} | to_yaml }}', 'a:\n  - 1\n  - 2\n'],
    ['{{ {"a": {"b": 1}} | to_nice_yaml }}', 'a:\n    b: 1\n'],
    ['{{ "a: [1, 2]" | from_yaml }}', { a: [1, 2] }],
    // inside {{ }} a literal's backslashes are taken as written (Ansible doubles them before Jinja reads them)
    ['{{ "web01.example" | regex_replace("^(\\w+)\\..*$", "\\1") }}', 'web01'],
    ['{{ "abc123def" | regex_search("[0-9]+") }}', '123'],
    ['{{ "v1.2.3" | regex_search("v(\\d+)\\.(\\d+)", "\\1", "\\2") }}', ['1', '2']],
    ['{{ "a1b22c333" | regex_findall("\\d+") }}', ['1', '22', '333']],
    ['{{ "abc" | regex_search("z") }}', null],
    ['{{ "a-b-c" | replace("-", "_") }}', 'a_b_c'],
    ['{{ "hello" | b64encode }}', 'aGVsbG8='],
    ['{{ "aGVsbG8=" | b64decode }}', 'hello'],
    ['{{ "/etc/nginx/nginx.conf" | basename }}', 'nginx.conf'],
    ['{{ "/etc/nginx/nginx.conf" | dirname }}', '/etc/nginx'],
    ["{{ \"it's $(id)\" | quote }}", `'it'"'"'s $(id)'`],
    ['{{ {"a": 1} | dict2items }}', [{ key: 'a', value: 1 }]],
    ['{{ [{"key": "a", "value": 1}] | items2dict }}', { a: 1 }],
    ['{{ [{"n": "a", "v": 1}] | items2dict(key_name="n", value_name="v") }}', { a: 1 }],
    ['{{ {"a": {"x": 1}} | combine({"a": {"y": 2}}, recursive=true) }}', { a: { x: 1, y: 2 } }],
    ['{{ {"a": {"x": 1}} | combine({"a": {"y": 2}}) }}', { a: { y: 2 } }],
    ['{{ [1, [2, [3]]] | flatten }}', [1, 2, 3]],
    ['{{ [1, [2, [3]]] | flatten(levels=1) }}', [1, 2, [3]]],
    ['{{ [1, 2] | zip(["a", "b"]) | list }}', [[1, 'a'], [2, 'b']]],
    ['{{ [3, 1, 2] | min }}', 1],
    ['{{ [3, 1, 2] | max }}', 3],
    ['{{ users | max(attribute="uid") }}', { name: 'bob', uid: 1002, admin: false }],
    ['{{ [1, 2, 3] | sum }}', 6],
    ['{{ -3 | abs }}', 3],
    // Jinja's round gives a float, and Python's round takes ties to even
    ['{{ 2.567 | round(2) }}', '2.57'],
    ['{{ 2.5 | round }}', '2.0'],
    ['{{ 3.5 | round }}', '4.0'],
    ['{{ 2.1 | round(0, "ceil") }}', '3.0'],
    ['{{ "abc" | hash("sha256") }}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['{{ "abc" | checksum }}', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['{{ enabled | ternary("on", "off") }}', 'on'],
    ['{{ nothing | ternary("on", "off", "unset") }}', 'unset'],
    ['{{ csv | split(",") }}', ['a', 'b', 'c']],
    ['{{ csv.split(",")[-1] }}', 'c'],
    ['{{ "abc" | list }}', ['a', 'b', 'c']],
    ['{{ packages | type_debug }}', 'list'],
    ['{{ config | type_debug }}', 'dict'],
    ['{{ port | type_debug }}', 'int'],
    ['{{ [1, 2] | difference([2]) }}', [1]],
    ['{{ name.startswith("web") }}', true],
    ['{{ users.0.name }}', 'alice'],
    ['{{ [[1, 2]].0.1 }}', 2],
    ['{{ "v1.2" ~ 1.5 }} 3.0', 'v1.21.5 3.0'],
    ['{% set total = port + 1 %}{{ total }}', '8081'],
    ['{{ (users | first).uid // 2 }}', 500],
    ['{{ config.items() | list | length }}', 2],
  ];
  for (const [template, expected] of table) {
    it(`${template} -> ${JSON.stringify(expected)}`, () => {
      expect(render(template)).to.deep.equal(expected);
    });
  }

  it('random with a seed is the same on every run; without, stays in range', () => {
    const first = render('{{ packages | random(seed=name) }}');
    for (let i = 0; i < 5; i += 1) expect(render('{{ packages | random(seed=name) }}')).to.equal(first);
    for (let i = 0; i < 20; i += 1) expect(render('{{ 10 | random }}')).to.be.within(0, 9);
  });

  it('password_hash("sha512") matches openssl passwd -6', () => {
    const expected = execFileSync('openssl', ['passwd', '-6', '-salt', 'saltsalt', 'S3cret pass'], { encoding: 'utf8' }).trim();
    expect(templater.render('{{ pw | password_hash("sha512", "saltsalt") }}', { pw: 'S3cret pass' })).to.equal(expected);
    expect(String(render('{{ "x" | password_hash("sha512") }}'))).to.match(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
  });
});

describe('templating: globals', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-template-'));
    writeFileSync(join(dir, 'key.pub'), 'ssh-ed25519 AAAA test\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lookup("env") reads the controller environment', () => {
    process.env.AIRLOCK_TEMPLATE_TEST = 'from-env';
    expect(render('{{ lookup("env", "AIRLOCK_TEMPLATE_TEST") }}')).to.equal('from-env');
    expect(render('{{ lookup("env", "AIRLOCK_TEMPLATE_UNSET_VAR") }}')).to.equal('');
  });

  it('lookup("file") reads relative to the playbook dir, without the trailing newline', () => {
    expect(templater.render('{{ lookup("file", "key.pub") }}', { playbook_dir: dir })).to.equal('ssh-ed25519 AAAA test');
    expect(() => templater.render('{{ lookup("file", "nope.txt") }}', { playbook_dir: dir })).to.throw(TemplateError, 'nope.txt');
  });

  it('range, omit, and executor-provided hostvars/groups/facts', () => {
    expect(render('{{ range(3) | list }}')).to.deep.equal([0, 1, 2]);
    expect(render('{{ omit }}')).to.equal(OMIT);
    expect(render('{{ missing | default(omit) }}')).to.equal(OMIT);
    const runVars = {
      inventory_hostname: 'web01',
      groups: { web: ['web01', 'web02'] },
      hostvars: { web02: { ansible_host: '10.0.0.2' } },
      ansible_play_hosts: ['web01', 'web02'],
      ansible_facts: { distribution: 'Debian' },
    };
    expect(templater.render('{{ hostvars[groups.web[1]].ansible_host }}', runVars)).to.equal('10.0.0.2');
    expect(templater.render('{{ groups.web[1:] | map("extract", hostvars, "ansible_host") | list }}', runVars)).to.deep.equal(['10.0.0.2']);
    expect(templater.render('{{ ansible_play_hosts | length }} {{ ansible_facts.distribution }} {{ inventory_hostname }}', runVars)).to.equal('2 Debian web01');
  });

  it('evaluate returns the value of a bare expression', () => {
    expect(templater.evaluate('users | map(attribute="uid") | list', vars)).to.deep.equal([1001, 1002]);
    expect(templater.evaluate('{{ port }}', vars)).to.equal(8080);
  });

  it('a syntax error is a TemplateError carrying the template text', () => {
    const error = renderError('{{ port + }}');
    expect(error.template).to.equal('{{ port + }}');
  });
});
