// The lookups behind with_<lookup> loops, through Templater.queryLoop as the executor calls them: terms templated
// first, then the lookup's list in Ansible's order and shape. Parity with ansible-playbook: test/integration/run/with-lookups-parity.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemplater } from '../../../src/template/index.js';
import { sequenceTerm } from '../../../src/template/lookups.js';
import { isUnsafe, toUnsafe } from '../../../src/util/unsafe.js';

describe('with_<lookup> loops (queryLoop)', () => {
  const templater = createTemplater();
  const vars = { d: { b: 2, a: 1 }, l: ['x', 'y', 'z'], n: [1, 2] };
  const loop = (plugin: string, terms: unknown, extra: Record<string, unknown> = {}): unknown[] => templater.queryLoop(plugin, terms, { ...vars, ...extra });

  it('dict: key/value items in the mapping order; a non-dict is an error', () => {
    expect(loop('dict', '{{ d }}')).to.deep.equal([{ key: 'b', value: 2 }, { key: 'a', value: 1 }]);
    expect(() => loop('dict', '{{ l }}')).to.throw(/with_dict expects a dict, got str/);
  });

  it('together pads with None, nested is the product (first list outermost), both flatten each tuple', () => {
    expect(loop('together', ['{{ l }}', '{{ n }}'])).to.deep.equal([['x', 1], ['y', 2], ['z', null]]);
    expect(loop('nested', ['{{ n }}', ['a', ['b']]])).to.deep.equal([[1, 'a'], [1, 'b'], [2, 'a'], [2, 'b']]);
    expect(() => loop('nested', [])).to.throw(/at least one element/);
  });

  it('subelements: pairs of (item without its list, subitem); a missing key fails unless skip_missing', () => {
    const users = [{ name: 'a', keys: { ssh: ['k1', 'k2'] } }, { name: 'b' }];
    expect(loop('subelements', ['{{ users }}', 'keys.ssh', { skip_missing: true }], { users })).to.deep.equal([
      [{ name: 'a', keys: {} }, 'k1'], [{ name: 'a', keys: {} }, 'k2'],
    ]);
    expect(() => loop('subelements', ['{{ users }}', 'keys.ssh'], { users })).to.throw(/could not find 'keys' key in iterated item/);
    expect(users[0]?.keys?.ssh).to.deep.equal(['k1', 'k2']); // the variable itself is not changed
  });

  it('sequence: key=value, count, the shortcut form, formats, and its errors', () => {
    expect(sequenceTerm('start=1 end=3 format=web%02d')).to.deep.equal(['web01', 'web02', 'web03']);
    expect(sequenceTerm('count=3 start=10 stride=5')).to.deep.equal(['10', '15', '20']);
    expect(sequenceTerm('4-8/2')).to.deep.equal(['4', '6', '8']);
    expect(sequenceTerm('3:host-%x')).to.deep.equal(['host-1', 'host-2', 'host-3']);
    expect(sequenceTerm('start=0x0a end=0x0c format=%X')).to.deep.equal(['A', 'B', 'C']);
    expect(sequenceTerm('start=5 end=1 stride=-2')).to.deep.equal(['5', '3', '1']);
    expect(sequenceTerm('count=0')).to.deep.equal([]);
    expect(() => sequenceTerm('start=1')).to.throw('must specify count or end in with_sequence');
    expect(() => sequenceTerm('count=2 end=3')).to.throw("can't specify both count and end");
    expect(() => sequenceTerm('start=5 end=1')).to.throw('to count backwards make stride negative');
    expect(() => sequenceTerm('end=3 format=plain')).to.throw('bad formatting string: plain');
    expect(() => sequenceTerm('end=3 bogus=1')).to.throw('unrecognized arguments to with_sequence: bogus');
    expect(loop('sequence', 'end={{ n | length }}')).to.deep.equal(['1', '2']);
  });

  describe('on controller files', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'airlock-lookups-'));
      mkdirSync(join(dir, 'files'));
      for (const name of ['b.conf', 'a.conf', 'x.txt', '.hidden.conf']) writeFileSync(join(dir, 'files', name), '');
      mkdirSync(join(dir, 'files', 'd.conf'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('fileglob: the files (not directories) matching in files/, sorted; nothing when the directory is missing', () => {
      expect(loop('fileglob', ['*.conf'], { playbook_dir: dir })).to.deep.equal([join(dir, 'files', 'a.conf'), join(dir, 'files', 'b.conf')]);
      expect(loop('fileglob', 'nodir/*', { playbook_dir: dir })).to.deep.equal([]);
    });

    it('first_found: the first that exists, from names or files/paths; an error when none, unless skip', () => {
      expect(loop('first_found', ['no.txt', 'x.txt'], { playbook_dir: dir })).to.deep.equal([join(dir, 'files', 'x.txt')]);
      expect(loop('first_found', [{ files: ['no', 'x.txt'], paths: ['files'] }], { playbook_dir: dir })).to.deep.equal([join(dir, 'files', 'x.txt')]);
      expect(loop('first_found', [{ files: ['no'], skip: true }], { playbook_dir: dir })).to.deep.equal([]);
      expect(() => loop('first_found', ['no'], { playbook_dir: dir })).to.throw('No file was found when using first_found.');
    });
  });

  it('a list built from host data comes back unsafe; an unknown lookup names the supported ones', () => {
    expect(isUnsafe(loop('dict', '{{ r }}', { r: toUnsafe({ k: '{{ v }}' }) }))).to.equal(true);
    expect(() => loop('password', ['x'])).to.throw(/lookup plugin 'password' is not supported by airlock \(supported: .*sequence/);
  });
});
