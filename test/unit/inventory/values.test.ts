// INI value typing (Python's literal_eval after shlex), host ranges: what an operator writes and what they get.
import { expect } from 'chai';
import { expandHostPattern, expandHostRange } from '../../../src/inventory/address.js';
import { iniValue } from '../../../src/inventory/python-literal.js';
import { shlexSplit } from '../../../src/parsing/shlex.js';

describe('inventory: INI value typing (ast.literal_eval)', () => {
  // each row checked against python3 -c 'import ast; print(repr(ast.literal_eval(...)))'
  const table: Array<[string, unknown]> = [
    ['1', 1], ['-7', -7], ['+3', 3], ['0x1F', 31], ['0o17', 15], ['0b101', 5], ['1_000', 1000], ['00', 0],
    ['1.5', 1.5], ['1.', 1], ['.5', 0.5], ['1e3', 1000], ['-(1)', -1],
    ['True', true], ['False', false], ['None', null],
    ["'quoted'", 'quoted'], ['"a\\tb"', 'a\tb'], ["r'\\d+'", '\\d+'], ["'a' 'b'", 'ab'], ["b'raw'", 'raw'],
    ['[1, 2, 3]', [1, 2, 3]], ['(1, "two")', [1, 'two']], ['1, 2', [1, 2]], ['[1,]', [1]], ['()', []],
    ["{'a': 1, 'b': [True, None]}", { a: 1, b: [true, null] }], ['{1: 2}', { 1: 2 }], ['{}', {}],
    ['5 # comment', 5],
    // not Python literals: the raw text is kept
    ['yes', 'yes'], ['true', 'true'], ['hello world', 'hello world'], ['0755', '0755'], ['1_', '1_'], ['--1', '--1'],
    ['10.0.0.1', '10.0.0.1'], ['1:30', '1:30'], ['/srv/www', '/srv/www'], ['', ''], ['{k:v}', '{k:v}'], ["f'x'", "f'x'"],
    ['-True', '-True'], ['1+2', '1+2'], ['[1, 2', '[1, 2'], ['x=1', 'x=1'],
  ];
  for (const [text, expected] of table) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(expected)}`, () => {
      expect(iniValue(text)).to.deep.equal(expected);
    });
  }
});

describe('inventory: INI host line splitting (shlex, comments=True)', () => {
  const table: Array<[string, string[]]> = [
    ['web1 a=1 b=2', ['web1', 'a=1', 'b=2']],
    ['web1 a="1 2"', ['web1', 'a=1 2']],
    [`web1 s="'03#pa33w0rd'"`, ['web1', "s='03#pa33w0rd'"]],
    ['web1 a=1 # trailing comment', ['web1', 'a=1']],
    ['web1 a=b#c', ['web1', 'a=b']],
    ["web1 q='it''s'", ['web1', 'q=its']],
    ['web1 e=""', ['web1', 'e=']],
    ['web1 p=a\\ b', ['web1', 'p=a b']],
    ['web1 d="x\\"y\\z"', ['web1', 'd=x"y\\z']],
  ];
  for (const [line, expected] of table) {
    it(`${line}`, () => expect(shlexSplit(line, { comments: true })).to.deep.equal(expected));
  }
  it('an unclosed quote is an error', () => expect(() => shlexSplit('web1 a="x', { comments: true })).to.throw('No closing quotation'));
});

describe('inventory: host ranges', () => {
  const table: Array<[string, string[]]> = [
    ['web[01:03]', ['web01', 'web02', 'web03']],
    ['web[1:10:3]', ['web1', 'web4', 'web7', 'web10']],
    ['db-[a:d]', ['db-a', 'db-b', 'db-c', 'db-d']],
    ['x[a:e:2]', ['xa', 'xc', 'xe']],
    ['r[1:2]-n[a:b]', ['r1-na', 'r1-nb', 'r2-na', 'r2-nb']],
    ['[:2]x', ['0x', '1x', '2x']],
    ['10.0.0.[1:3]', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['plain', ['plain']],
  ];
  for (const [pattern, expected] of table) {
    it(`${pattern}`, () => expect(expandHostRange(pattern)).to.deep.equal(expected));
  }
  it('ports are split off and ranges expanded', () => {
    expect(expandHostPattern('web[1:2].lan:2222')).to.deep.equal({ hosts: ['web1.lan', 'web2.lan'], port: 2222 });
    expect(expandHostPattern('[fe80::1]:22')).to.deep.equal({ hosts: ['fe80::1'], port: 22 });
    expect(expandHostPattern('fe80::1')).to.deep.equal({ hosts: ['fe80::1'], port: undefined });
  });
  const bad: Array<[string, string]> = [
    ['web[01:3]', 'equal-length'],
    ['web[1]', 'begin:end'],
    ['web[1:]', 'end value'],
    ['web[5:1]', 'empty'],
    ['web[d:a]', 'begin <= end'],
    ['web[1:3:0]', 'positive'],
    ['web[1:x]', 'numeric'],
  ];
  for (const [pattern, message] of bad) {
    it(`rejects ${pattern} (${message})`, () => expect(() => expandHostRange(pattern)).to.throw(message));
  }
});
