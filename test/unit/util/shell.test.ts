import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { quote, joinCommand, sh } from '../../../src/util/shell.js';

// What the shell really reads back: run `printf '%s\n'` with the quoted words through /bin/sh.
function shellWords(commandLine: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `for w in ${commandLine}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('util/shell quoting', () => {
  const hostile = ['$(touch /tmp/pwned)', '`id`', "it's", '"double"', 'a b', 'line1\nline2', '; rm -rf /', '*', '~', '', '\\', '$HOME', '!event', '-n'];

  for (const value of hostile) {
    it(`reads back ${JSON.stringify(value)} as one word, unchanged`, () => {
      expect(shellWords(quote(value))).to.deep.equal([value]);
    });
  }

  it('leaves plain words unquoted so commands stay readable', () => {
    expect(joinCommand(['lxc', 'list', '--format', 'json'])).to.equal('lxc list --format json');
  });

  it('quotes interpolations in sh`` and expands arrays to several words', () => {
    const cmd = sh`mkdir -p ${'/srv/a b'} && ls ${['x y', '$(id)']}`;
    expect(cmd).to.equal("mkdir -p '/srv/a b' && ls 'x y' '$(id)'");
  });
});
