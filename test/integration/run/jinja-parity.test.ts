// Ansible is the oracle for what templates give: one playbook of expressions (the ones airlock used to get silently
// wrong, and the filters, tests, globals and lookups it used to lack) run by ansible-playbook and by airlock on the
// local connection must print the same play output, line for line.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

// Each entry is one debug task's msg, written as a playbook author writes it (YAML single-quoted, so a backslash is
// one backslash). Left out on purpose: expressions whose result is an int (Ansible 2.14 renders "{{ 1 + 1 }}" as the
// text "2", airlock keeps the number), `is sameas` on strings
// (Python object identity), now() (the clock).
const MESSAGES = [
  // backslashes in string literals
  "{{ 'a1b22' | regex_findall('\\d+') }}",
  "{{ 'a1b22' | regex_findall('\\\\d+') }}",
  "{{ 'a b.c' | regex_replace('\\s', '_') | regex_replace('\\.', '-') }}",
  "{{ 'x1' is regex('\\d') and 'x1' is match('x\\d') }}",
  "{{ 'v1.2.3' | regex_search('v(\\d+)\\.(\\d+)', '\\1', '\\2') }}",
  "{{ 'Hello' | regex_replace('(?P<x>l+)', '<\\g<x>>') }}",
  "{{ ['10.0.0.1'] | map('regex_replace', '\\.1$', '.2') | list }}",
  "{% set t = 'a\\tb' %}{{ t | length }}",
  // values
  "{{ {'b': 1, 'a': [1, 2]} | to_json }}",
  "{{ {'b': 1, 'a': 2} | to_nice_json(sort_keys=False) }}",
  "{{ {'b': 1, 'a': 2} | to_nice_json }}",
  "{{ 'x' | to_uuid }}",
  "{{ [1, [2, none]] | flatten(skip_nulls=False) }}",
  "{{ [1, [2, none, 'None']] | flatten }}",
  "{{ items | groupby('a') }}",
  "{{ '{:>5}|{:05.2f}|{:,}|{!r}|{n}'.format('x', 3.14159, 1234567, 'q', n='k') }}",
  "{{ '%05.1f|%x|%-4s|%r' % (2.25, 255, 'ab', 'z') }}",
  "{{ s[0:5] }}|{{ s[::-1] }}|{{ '=' * 5 }}",
  "{{ 'x' ~ true ~ [1] ~ 2.0 }}",
  "{{ 59 | random(seed='web01') }} {{ ['a', 'b', 'c'] | random(seed=12345678901) }} {{ [1, 2, 3, 4, 5] | shuffle(seed='h') }}",
  "{{ '[1, 2]' }}",
  "{{ 'True' }}",
  // floats
  "{{ 3.0 }}",
  "{{ 1.5 * 2 }}",
  "{{ 7 / 2 }}",
  "x{{ 4 / 2 }}y{{ 2 ** -1 }}",
  "{{ 0.1 + 0.2 }}",
  "{{ 2.5 | round }}|{{ 3.14159 | round(2) }}|{{ '3' | float }}|{{ 3.0 | int }}",
  "{{ 3.0 is float }}/{{ 3 is float }}/{{ 3.0 is integer }}/{{ 1 == 1.0 }}",
  "{{ 10 | log(10) }}|{{ 9 | root }}|{{ 2 | pow(3) }}",
  // filters that were missing
  "{{ '%s-%d' | format('a', 3) }}",
  "{{ items | subelements('l') | map('last') | list }}",
  "{{ ['a', 'b'] | product(['c']) | list }}",
  "{{ [1, 2, 3] | combinations(2) | list }}",
  "{{ 'foo' | comment }}",
  "{{ 'abc' | ansible.builtin.quote }} {{ 'a b' | quote }} {{ 'a' | ansible.builtin.mandatory }}",
  "{{ 1048576 | human_readable }}",
  "{{ 'http://u:p@Host.com:8080/p?q=1#f' | urlsplit }}",
  "{{ ['/a', '/b', 'c'] | path_join }}",
  "{{ 'a.b*c d' | regex_escape }}",
  "{{ '%Y-%m-%d' | strftime(0, utc=true) }}",
  // globals, calls, tests
  "{{ dict([['k', 1], ['j', 2]]) }}",
  "{{ dict(a=1, b='x') }}",
  "{{ dict(**{'a': 1}) }}",
  "{{ range(*[1, 4]) | list }}",
  "{{ now(utc=true).year > 2000 }}",
  "{{ none is sameas none }}/{{ 7 is divisibleby 7 }}/{{ s is not none and s is string }}",
  "{{ '/etc' is directory }}/{{ '/etc' is file }}/{{ '/no/such' is exists }}/{{ '/etc' is abs }}",
  "{{ (playbook_dir ~ '/site.yml') is ansible.builtin.file }}",
  "{{ [true, false] is any }}/{{ [true, false] is all }}",
  // lookups on the controller
  "{{ lookup('pipe', 'echo hi') }}",
  "{{ lookup('lines', 'printf \"a\\nb\"') }}",
  "{{ query('lines', 'printf \"a\\nb\"') }}",
];

function yamlSingleQuoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars:
    s: hello world
    items: [{a: 1, l: [x, y]}, {a: 2, l: [z]}]
  tasks:
${MESSAGES.map((message, index) => `    - name: expression ${index + 1}\n      debug:\n        msg: ${yamlSingleQuoted(message)}`).join('\n')}
    - name: a float stored by set_fact and read back
      set_fact:
        half: '{{ 7 / 2 }}'
    - debug:
        msg: '{{ half }} {{ half | float * 2 }}'
    - name: a condition on floats
      debug:
        msg: 'yes'
      when: 7 / 2 > 3.4
`;

describe('templates give what ansible-playbook gives (Ansible itself is the oracle)', function () {
  this.timeout(180_000);
  let work: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'airlock-jinja-parity-'));
    writeFileSync(join(work, 'inventory.yml'), INVENTORY);
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('prints the same value for every expression', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml');
    expect(airlock).to.equal(ansible);
  });
});
