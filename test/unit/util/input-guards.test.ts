// The pure parts of the input guards (issue 18): JSON error places, UTF-8 error places, the linear duplicate-key
// check's policies and the limits' parsing. The CLI-level behaviour is the hostile tier's (test/hostile/).
import { expect } from 'chai';
import { jsonSyntaxError } from '../../../src/util/json-syntax.js';
import { decodeUtf8 } from '../../../src/util/input-file.js';
import { inputLimits } from '../../../src/util/limits.js';
import { setWarningSink } from '../../../src/util/warnings.js';
import { parseCheckedYaml } from '../../../src/parsing/yaml-checked.js';
import { InputError } from '../../../src/util/errors.js';

function thrown(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('input guards', () => {
  it('jsonSyntaxError: undefined for valid JSON, else the line and column of the first problem', () => {
    for (const valid of ['{}', '[1, 2.5e3, "a\\u00e9", true, null, {"k": [[]]}]', ' "x" ', '-0']) expect(jsonSyntaxError(valid), valid).to.equal(undefined);
    expect(jsonSyntaxError('{"a": 1,\n  "b": }')).to.include({ line: 2, column: 8 });
    expect(jsonSyntaxError('root:$y$j9T$')).to.include({ line: 1, column: 1 });
    expect(jsonSyntaxError('{"a": 1')).to.include({ line: 1, column: 8 });
    expect(jsonSyntaxError('[1] x')).to.include({ line: 1, column: 5 });
    expect(jsonSyntaxError('['.repeat(200_000))?.problem).to.contain('end of the text');
  });

  it('decodeUtf8: drops a BOM, refuses bad bytes with their line and column', () => {
    expect(decodeUtf8(Buffer.from('\ufeffa: é\n'), 'f')).to.equal('a: é\n');
    const error = thrown(() => decodeUtf8(Buffer.from('ok: 1\nname: Ren\xe9\n', 'latin1'), 'vars.yml'));
    expect(error.location).to.deep.equal({ file: 'vars.yml', line: 2, column: 10 });
    expect(error.message).to.contain('byte 0xe9');
    // a UTF-16 surrogate encoded as UTF-8 (CESU) is not UTF-8 either
    expect(thrown(() => decodeUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]), 'f')).location).to.include({ line: 1, column: 2 });
  });

  it('duplicate keys: an error at the second key, or Ansible\'s warning with the last value kept', () => {
    const text = 'a: 1\nb: 2\na: 3\n';
    expect(thrown(() => parseCheckedYaml(text, 'inv.yml', { duplicateKeys: 'error' })).message).to.equal("inv.yml:3:1: invalid YAML: duplicate key 'a' (ansible would silently keep the last one)");
    const warnings: string[] = [];
    const previous = setWarningSink((warning) => warnings.push(warning));
    try {
      const { doc } = parseCheckedYaml(text, 'play.yml', { duplicateKeys: 'warn' });
      expect(doc.toJS()).to.deep.equal({ a: 3, b: 2 });
    } finally {
      setWarningSink(previous);
    }
    expect(warnings).to.deep.equal(['While constructing a mapping from play.yml, line 1, column 1, found a duplicate dict key (a). Using last defined value only.']);
  });

  it('duplicate keys: the check is linear (4x the keys take far less than the 16x a pairwise check needs)', function () {
    this.timeout(60_000);
    const mapping = (keys: number): string => `${Array.from({ length: keys }, (_, i) => `k${i}: ${i}`).join('\n')}\nk7: again\n`;
    const fastest = (text: string): number => {
      let best = Infinity;
      for (let i = 0; i < 2; i += 1) {
        const started = process.hrtime.bigint();
        expect(() => parseCheckedYaml(text, 'big.yml', { duplicateKeys: 'error' })).to.throw("duplicate key 'k7'");
        best = Math.min(best, Number(process.hrtime.bigint() - started));
      }
      return best;
    };
    const small = fastest(mapping(5_000));
    const large = fastest(mapping(20_000));
    // the yaml package's uniqueKeys: 30,000 keys 5.4 s, 60,000 keys 16.9 s on this machine (issue 18)
    expect(large / small).to.be.below(10);
    expect(() => parseCheckedYaml(mapping(20_000), 'big.yml', { duplicateKeys: 'error' })).to.throw("big.yml:20001:1: invalid YAML: duplicate key 'k7'");
  });

  it('aliases: shared use within the budget is fine, the expansion past it is refused at the alias', () => {
    const ok = parseCheckedYaml('base: &b {x: 1}\nuses: [*b, *b, *b]\n', 'f', { duplicateKeys: 'error', merge: true });
    expect(ok.doc.toJS({ maxAliasCount: -1 })).to.deep.equal({ base: { x: 1 }, uses: [{ x: 1 }, { x: 1 }, { x: 1 }] });
    const previous = process.env.AIRLOCK_MAX_YAML_ALIAS_NODES;
    process.env.AIRLOCK_MAX_YAML_ALIAS_NODES = '5';
    try {
      expect(thrown(() => parseCheckedYaml('base: &b [1, 2, 3]\nuses: [*b, *b]\n', 'f', { duplicateKeys: 'error' })).location).to.deep.equal({ file: 'f', line: 2, column: 12 });
    } finally {
      if (previous === undefined) delete process.env.AIRLOCK_MAX_YAML_ALIAS_NODES;
      else process.env.AIRLOCK_MAX_YAML_ALIAS_NODES = previous;
    }
  });

  it('limits: defaults, overrides, and a bad value refused', () => {
    expect(inputLimits()).to.deep.equal({ fileBytes: 64 * 1024 * 1024, yamlDepth: 200, yamlAliasNodes: 100_000, hostRange: 100_000 });
    process.env.AIRLOCK_MAX_HOST_RANGE = '10';
    try {
      expect(inputLimits().hostRange).to.equal(10);
      process.env.AIRLOCK_MAX_HOST_RANGE = '1e3';
      expect(() => inputLimits()).to.throw('AIRLOCK_MAX_HOST_RANGE must be a positive integer');
    } finally {
      delete process.env.AIRLOCK_MAX_HOST_RANGE;
    }
  });
});
