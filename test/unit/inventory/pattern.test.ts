// Host patterns as an operator writes them in `hosts:` and --limit, on a small inventory.
import { expect } from 'chai';
import { loadInventory } from '../../../src/inventory/load.js';
import type { LoadedInventory } from '../../../src/inventory/inventory.js';
import { applyLimit, selectHosts, selectPlayHosts, splitHostPattern, unmatchedPatternMessage } from '../../../src/inventory/pattern.js';
import { InputError } from '../../../src/util/errors.js';
import { writeTree, type TempTree } from './helpers.js';

const INVENTORY = `
all:
  hosts:
    solo:
  children:
    canary:
      hosts:
        web1:
        db2:
    web:
      hosts:
        web[1:4]:
    db:
      hosts:
        db[1:3]:
    site_a:
      children:
        web:
      hosts:
        db1:
`;

describe('inventory: host patterns', () => {
  let tree: TempTree;
  let inventory: LoadedInventory;
  before(async () => {
    tree = writeTree({ 'hosts.yml': INVENTORY, 'limit.txt': 'db3\n\nweb2\n' });
    inventory = await loadInventory([tree.path('hosts.yml')]);
  });
  after(() => tree.remove());

  const table: Array<[string, string[]]> = [
    ['all', ['solo', 'web1', 'db2', 'web2', 'web3', 'web4', 'db1', 'db3']],
    ['*', ['solo', 'web1', 'db2', 'web2', 'web3', 'web4', 'db1', 'db3']],
    ['web', ['web1', 'web2', 'web3', 'web4']],
    ['web3', ['web3']],
    ['web:db', ['web1', 'web2', 'web3', 'web4', 'db1', 'db2', 'db3']],
    ['web,db', ['web1', 'web2', 'web3', 'web4', 'db1', 'db2', 'db3']],
    ['db:web', ['db1', 'db2', 'db3', 'web1', 'web2', 'web3', 'web4']],
    ['web:&canary', ['web1']],
    ['web:!canary', ['web2', 'web3', 'web4']],
    ['!canary', ['solo', 'web2', 'web3', 'web4', 'db1', 'db3']],
    ['site_a', ['db1', 'web1', 'web2', 'web3', 'web4']],
    ['site_a:&db', ['db1']],
    ['web*', ['web1', 'web2', 'web3', 'web4']],
    ['db?', ['db2', 'db1', 'db3']], // host names match in the order hosts were defined (db2 came first, via canary)
    ['~(web|db)[13]', ['web1', 'web3', 'db1', 'db3']],
    ['web[0]', ['web1']],
    ['web[-1]', ['web4']],
    ['web[1:2]', ['web2', 'web3']],
    ['web[2:]', ['web3', 'web4']],
    ['web[0],db[-1]', ['web1', 'db3']],
    ['ungrouped', ['solo']],
    ['web3,web3,web', ['web3', 'web1', 'web2', 'web4']],
    ['nothing_here', []],
    ['@LIMIT', ['db3', 'web2']],
  ];
  for (const [pattern, expected] of table) {
    it(`${pattern} -> ${expected.join(',') || '(none)'}`, () => {
      expect(inventory.select(pattern.replace('@LIMIT', `@${tree.path('limit.txt')}`))).to.deep.equal(expected);
    });
  }

  it('splits on commas, and on colons except inside ranges and addresses', () => {
    expect(splitHostPattern('a:b:&c:!d')).to.deep.equal(['a', 'b', '&c', '!d']);
    expect(splitHostPattern('web[1:3]:db')).to.deep.equal(['web[1:3]', 'db']);
    expect(splitHostPattern('fe80::1')).to.deep.equal(['fe80::1']);
    expect(splitHostPattern(' a , b ')).to.deep.equal(['a', 'b']);
  });

  it('reports the parts that matched nothing, with ansible\'s message', () => {
    const selection = selectHosts(inventory, 'web:nosuch:!alsonot');
    expect(selection.hosts).to.deep.equal(['web1', 'web2', 'web3', 'web4']);
    expect(selection.unmatched).to.deep.equal(['nosuch', 'alsonot']);
    expect(unmatchedPatternMessage('nosuch')).to.equal('Could not match supplied host pattern, ignoring: nosuch');
  });

  it('a subscript beyond the group is an error naming the pattern', () => {
    expect(() => inventory.select('web[9]')).to.throw(InputError, "web[9]");
  });

  it('--limit keeps the play order and fails when it matches nothing', () => {
    const play = inventory.select('all');
    expect(applyLimit(inventory, play, 'canary')).to.deep.equal(['web1', 'db2']);
    expect(applyLimit(inventory, play, undefined)).to.deep.equal(play);
    expect(() => applyLimit(inventory, play, 'wbe')).to.throw(InputError, "--limit 'wbe' matches no host");
  });

  it('groupHosts goes through children', () => {
    expect(inventory.groupHosts('site_a')).to.deep.equal(['db1', 'web1', 'web2', 'web3', 'web4']);
    expect(inventory.groupHosts('missing')).to.deep.equal([]);
  });
});

describe('inventory: selecting a play\'s hosts', () => {
  it('narrows by --limit and turns unmatched parts into ansible\'s warning', async () => {
    const tree = writeTree({ 'h.yml': 'web:\n  hosts: {w1: , w2: }\ndb:\n  hosts: {d1: }\n' });
    try {
      const inventory = await loadInventory([tree.path('h.yml')]);
      expect(selectPlayHosts(inventory, 'web:dbx', 'w2,d1')).to.deep.equal({ hosts: ['w2'], warnings: ['Could not match supplied host pattern, ignoring: dbx'] });
    } finally {
      tree.remove();
    }
  });
});
