// -e values as an operator passes them on the command line.
import { expect } from 'chai';
import { parseExtraVars } from '../../../src/parsing/extra-vars.js';
import { InputError } from '../../../src/util/errors.js';
import { writeTree } from './helpers.js';

describe('inventory: extra vars (-e)', () => {
  it('key=value pairs, quoted values with spaces, later -e values win', async () => {
    const vars = await parseExtraVars(['version=2.5 msg="hello world" empty=', "name='x y' version=3"], '/');
    expect(vars).to.deep.equal({ version: '3', msg: 'hello world', empty: '', name: 'x y' });
  });

  it('key=value values stay strings; YAML and JSON keep their types', async () => {
    expect(await parseExtraVars(['n=5 flag=true'], '/')).to.deep.equal({ n: '5', flag: 'true' });
    expect(await parseExtraVars(['{"n": 5, "list": [1, 2]}'], '/')).to.deep.equal({ n: 5, list: [1, 2] });
    expect(await parseExtraVars(['{n: 5, flag: yes}'], '/')).to.deep.equal({ n: 5, flag: true });
  });

  it('@file reads YAML or JSON relative to cwd', async () => {
    const tree = writeTree({ 'vars.yml': 'release: 2.5\nhosts_down: [a, b]\n', 'more.json': '{"release": "2.6"}' });
    try {
      expect(await parseExtraVars(['@vars.yml', '@more.json'], tree.dir)).to.deep.equal({ release: '2.6', hosts_down: ['a', 'b'] });
      await parseExtraVars(['@missing.yml'], tree.dir).then(
        () => expect.fail('should fail'),
        (error: unknown) => expect((error as Error).message).to.contain('missing.yml'),
      );
    } finally {
      tree.remove();
    }
  });

  const rejected: Array<[string, string]> = [
    ['1abc=x', 'invalid variable name "1abc"'],
    ['class=x', 'invalid variable name "class"'],
    ['a-b=x', 'invalid variable name "a-b"'],
    ['$(id)=x', 'invalid variable name "$(id)"'],
    ['{"x y": 1}', 'invalid variable name "x y"'],
    ['["a"]', 'must be a mapping'],
    ['justaword', "'justaword' is not key=value"],
    ['./vars.yml', 'write -e @./vars.yml'],
    ['a="unclosed', 'unbalanced quotes'],
  ];
  for (const [value, message] of rejected) {
    it(`rejects ${value}`, async () => {
      await parseExtraVars([value], '/').then(
        () => expect.fail(`${value} should be rejected`),
        (error: unknown) => {
          expect(error).to.be.instanceOf(InputError);
          expect((error as Error).message).to.contain(message);
        },
      );
    });
  }
});
