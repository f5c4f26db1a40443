// One shlex, with Python's rules: Python's own shlex.split (python3 is installed with ansible-core) is the oracle,
// with comments=False as Ansible's command module splits `cmd:` and comments=True as its INI inventory reads lines.
import { expect } from 'chai';
import { execa } from 'execa';
import { shlexSplit, ShlexError } from '../../../src/parsing/shlex.js';

const INPUTS = [
  'echo "cost \\$5"', 'echo "tab\\there" \'$HOME\'', "a 'b c' d\\ e", 'x "a\\"b" y', 'p "q\\\\r"', 'esc \\x', 'a#b c', 'a # comment',
  "''", 'a\\\nb', '  spaced   out  ', 'a""b \'\'', 'mixed"quo"ted\'wo\'rd', "it's", '"unterminated', 'trailing\\',
];

async function pythonSplit(comments: boolean): Promise<Array<string[] | 'error'>> {
  const script = `import json, shlex, sys
out = []
for text in json.load(sys.stdin):
    try:
        out.append(shlex.split(text, comments=${comments ? 'True' : 'False'}))
    except ValueError:
        out.append('error')
print(json.dumps(out))`;
  const result = await execa('python3', ['-c', script], { input: JSON.stringify(INPUTS) });
  return JSON.parse(result.stdout) as Array<string[] | 'error'>;
}

function ours(comments: boolean): Array<string[] | 'error'> {
  return INPUTS.map((text) => {
    try {
      return shlexSplit(text, { comments });
    } catch (error) {
      if (error instanceof ShlexError) return 'error';
      throw error;
    }
  });
}

describe('parsing/shlex: Python\'s shlex.split, word for word', () => {
  it('as the command module splits (comments=False)', async () => {
    expect(ours(false)).to.deep.equal(await pythonSplit(false));
  });

  it('as INI inventory lines are split (comments=True)', async () => {
    expect(ours(true)).to.deep.equal(await pythonSplit(true));
  });

  it('`command: echo "cost \\$5"` passes the backslash on, as Ansible does', () => {
    expect(shlexSplit('echo "cost \\$5"')).to.deep.equal(['echo', 'cost \\$5']);
  });
});
