import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { quote, joinCommand, sh, pipeline } from '../../../src/util/shell.js';

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

describe('util/shell pipeline', () => {
  const run = (command: string): { status: number; stderr: string } => {
    try {
      execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { status: 0, stderr: '' };
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      return { status: failure.status, stderr: failure.stderr };
    }
  };

  it('passes data through and succeeds when both sides do', () => {
    expect(execFileSync('/bin/sh', ['-c', pipeline('printf abc', 'tr a-z A-Z')], { encoding: 'utf8' })).to.equal('ABC');
  });
  it('fails naming the source when the producer fails, although the consumer succeeded', () => {
    const result = run(pipeline('exit 3', 'cat'));
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('source command exited 3');
  });
  it('fails naming the target when the consumer fails', () => {
    expect(run(pipeline('echo x', 'exit 5')).stderr).to.contain('target command exited 5');
  });
});
