// with_indexed_items, with_random_choice, with_lines (and its refusal to run host data as a controller command),
// through Templater.queryLoop as the executor calls them; with_inventory_hostnames through the executor's loop list.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderLoopList } from '../../../src/executor/loop-items.js';
import { createTemplater } from '../../../src/template/index.js';
import { plainData, toUnsafe } from '../../../src/util/unsafe.js';

describe('more with_<lookup> loops', () => {
  const templater = createTemplater();

  it('indexed_items pairs each flattened item with its index; random_choice picks one term (none of none)', () => {
    expect(templater.queryLoop('indexed_items', ['a', ['b', 'c'], '{{ d }}'], { d: 'x' })).to.deep.equal([[0, 'a'], [1, 'b'], [2, 'c'], [3, 'x']]);
    expect(templater.queryLoop('random_choice', ['only'], {})).to.deep.equal(['only']);
    expect(['a', 'b']).to.include(templater.queryLoop('random_choice', ['a', 'b'], {})[0]);
    expect(templater.queryLoop('random_choice', [], {})).to.deep.equal([]);
  });

  it('lines runs the command in the playbook directory, one item per line; a failing command names its status', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-lines-'));
    try {
      expect(plainData(templater.queryLoop('lines', "printf 'a\\nb c\\n'; pwd", { playbook_dir: dir }))).to.deep.equal(['a', 'b c', dir]);
      expect(() => templater.queryLoop('lines', 'exit 3', { playbook_dir: dir })).to.throw('lookup_plugin.lines(exit 3) returned 3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lines never runs a command built from host data (a registered result)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-lines-'));
    try {
      const registered = toUnsafe({ stdout: `touch ${join(dir, 'pwned')}` });
      expect(() => templater.queryLoop('lines', '{{ r.stdout }}', { r: registered, playbook_dir: dir })).to.throw("lookup('lines'): refusing to run a command in a template that reads host data");
      expect(readdirSync(dir)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('inventory_hostnames: the terms are one pattern, as Ansible reads the list', () => {
    const asked: string[] = [];
    const select = (pattern: string): string[] => {
      asked.push(pattern);
      return ['h'];
    };
    expect(renderLoopList(templater, { loop: ['web', 'all:!{{ g }}'], loopLookup: 'inventory_hostnames' }, { g: 'web' }, select)).to.deep.equal(['h']);
    expect(asked).to.deep.equal(['web,all,!web']);
  });
});
