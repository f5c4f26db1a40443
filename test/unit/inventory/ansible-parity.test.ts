// airlock reads every example inventory exactly as ansible does: same groups, children, hosts and variables
// (`--list`), same tree (`--graph`, `--graph --vars`), same per-host variables (`--host`), same hosts for patterns.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inventoryGraph, inventoryHost, inventoryList, pythonJson } from '../../../src/inventory/ansible-output.js';
import { loadInventory } from '../../../src/inventory/load.js';
import type { LoadedInventory } from '../../../src/inventory/inventory.js';
import { ansibleInventory, ansibleInventoryBatch, ansiblePatterns, EXAMPLES, REPO, requireAnsible } from './ansible-oracle.js';

interface Case {
  name: string;
  sources: string[];
  /** hosts to compare with --host */
  hosts: string[];
  /** --graph of a group other than all */
  graphGroup?: string;
  /** why --graph --vars cannot match byte for byte (Python-only value types), if so */
  varsGraphDiffers?: string;
}

const ex = (path: string): string => join(EXAMPLES, path);

const cases: Case[] = [
  { name: 'YAML: nested children, ranges, all.hosts, string shorthands', sources: [ex('yaml-nested/hosts.yml')], hosts: ['web-canary.enclave.local', 'db-c.enclave.local', 'bastion.enclave.local', 'node7'], graphGroup: 'prod' },
  {
    name: 'INI without extension: literal_eval typing, ports, pending children, ungrouped',
    sources: [ex('ini-typed/hosts')],
    hosts: ['web2', 'web-legacy', 'lonely.example', '10.0.0.42', 'pg3'],
    graphGroup: 'db',
    varsGraphDiffers: 'a Python tuple prints as (1, ...) in ansible; airlock holds it as a list',
  },
  { name: 'group_vars/ and host_vars/: files, no-extension files, directories', sources: [ex('group-vars-dirs/inventory.yml')], hosts: ['web01', 'web02', 'db01'] },
  { name: 'a directory as source (YAML + INI files, ignored .ini/.md/.retry, group_vars inside)', sources: [ex('directory-source')], hosts: ['w1', 'w3', 'lb1'] },
  {
    name: 'several sources merged in order (YAML, INI, host list)',
    sources: [ex('multi-source/a.yml'), ex('multi-source/b.ini'), 'c9,c10:2022,'],
    hosts: ['app1', 'app3', 'mon1', 'c10'],
  },
  { name: 'precedence: depth, ansible_group_priority, names', sources: [ex('priority-depth/hosts.yml')], hosts: ['h1', 'h2', 'h3', 'h4'], graphGroup: 'parent' },
  {
    name: 'YAML 1.1 types, anchors and merge keys',
    sources: [ex('yaml-types/hosts.yaml')],
    hosts: ['t1', 't2'],
    varsGraphDiffers: 'a YAML timestamp is a Python datetime (str() uses a space); airlock holds its ISO string',
  },
  { name: 'the README example enclave', sources: [join(REPO, 'inventories/example-enclave.yml')], hosts: ['misp-n01.enclave.internal', 'misp-s03.enclave.internal', 'jump.enclave.internal'], graphGroup: 'misp_hosts' },
];

describe('inventory: parity with ansible-inventory', function () {
  this.timeout(120_000);
  // every ansible-inventory invocation of every case, run in one python process before the comparisons
  const batch: Array<{ argv: string[]; store: (output: string) => void }> = [];
  before(async () => {
    requireAnsible();
    const outputs = await ansibleInventoryBatch(batch.map((b) => b.argv));
    batch.forEach((b, i) => b.store(outputs[i] as string));
  });

  for (const c of cases) {
    describe(c.name, () => {
      const invocations: Record<string, string[]> = {
        list: ['--list'],
        graph: ['--graph'],
        ...(c.graphGroup ? { graphGroup: ['--graph', c.graphGroup] } : {}),
        ...(c.varsGraphDiffers === undefined ? { graphVars: ['--graph', '--vars'] } : {}),
        ...Object.fromEntries(c.hosts.map((h) => [`host:${h}`, ['--host', h]])),
      };
      const theirs: Record<string, string> = {};
      let inventory: LoadedInventory;

      for (const [key, action] of Object.entries(invocations)) {
        batch.push({ argv: [...c.sources.flatMap((s) => ['-i', s]), ...action], store: (output) => (theirs[key] = output) });
      }
      before(async () => {
        inventory = await loadInventory(c.sources);
      });

      it('--list is the same JSON', () => {
        expect(JSON.parse(pythonJson(inventoryList(inventory)))).to.deep.equal(JSON.parse(theirs['list'] as string));
      });

      it('--graph draws the same tree', () => {
        expect(inventoryGraph(inventory)).to.equal(theirs['graph']);
        if (c.graphGroup) expect(inventoryGraph(inventory, c.graphGroup)).to.equal(theirs['graphGroup']);
      });

      if (c.varsGraphDiffers === undefined) {
        it('--graph --vars shows the same variables', () => {
          expect(inventoryGraph(inventory, 'all', true)).to.equal(theirs['graphVars']);
        });
      }

      it(`--host gives the same variables for ${c.hosts.join(', ')}`, () => {
        for (const host of c.hosts) {
          expect(inventoryHost(inventory, host), host).to.deep.equal(JSON.parse(theirs[`host:${host}`] as string));
        }
      });
    });
  }

  describe('host patterns select the same hosts in the same order as ansible', () => {
    const patterns = [
      'all', '*', 'web', 'prod', 'web:db', 'web,db', 'db:web', 'prod:&staging', 'prod:!web', 'all:!prod', '!web', '&web',
      'web*', '*.enclave.local', 'db-?.enclave.local', '~web0[13]\\..*', '~(db|web)', 'web[0]', 'web[-1]', 'web[1:3]', 'web[2:]',
      'prod[1]', 'ungrouped', 'replicas:odd_numbered[1:2]', 'node3,node5:!odd_numbered[0]', 'db-c.enclave.local', 'no_such_group',
      'web[0]:db[-1]', 'staging:!web', 'odd_numbered:&node[1-5]', 'al*', 'empty_group',
    ];

    it(`${patterns.length} patterns on the nested YAML example`, async () => {
      const sources = [ex('yaml-nested/hosts.yml')];
      const inventory = await loadInventory(sources);
      const theirs = await ansiblePatterns(sources, patterns);
      for (const pattern of patterns) {
        expect(inventory.select(pattern), pattern).to.deep.equal(theirs[pattern]);
      }
    });

    it('patterns across several sources', async () => {
      const sources = [ex('multi-source/a.yml'), ex('multi-source/b.ini'), 'c9,c10:2022,'];
      const list = ['app:monitoring', 'monitoring:&app', 'app:!monitoring', 'c*', 'all[0]', 'all[-1]', 'ungrouped'];
      const inventory = await loadInventory(sources);
      const theirs = await ansiblePatterns(sources, list);
      for (const pattern of list) expect(inventory.select(pattern), pattern).to.deep.equal(theirs[pattern]);
    });
  });

  describe('the airlock inventory command', () => {
    const runCli = promisify(execFile);
    const bin = join(REPO, 'bin', 'airlock.js');

    it('prints byte for byte what ansible-inventory --graph prints', async () => {
      const source = join(REPO, 'inventories/example-enclave.yml');
      const { stdout } = await runCli(process.execPath, [bin, 'inventory', '-i', source, '--graph']);
      expect(stdout).to.equal(`${await ansibleInventory([source], ['--graph'])}\n`);
    });

    it('exits 1 naming file, line and column for a bad inventory', async () => {
      const source = ex('invalid/hosts-as-list.yml');
      const result = await runCli(process.execPath, [bin, 'inventory', '-i', source, '--list']).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain(`${source}:4:5: hosts of group 'web' must be a mapping, got a list`);
    });
  });
});
