// The reference implementation: Debian's ansible-core, run on the same inventories. Missing ansible is a test
// failure (CI installs ansible-core), never a skip.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ANSIBLE_INVENTORY = '/usr/bin/ansible-inventory';
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const EXAMPLES = join(REPO, 'inventories', 'examples');

export function requireAnsible(): void {
  if (!existsSync(ANSIBLE_INVENTORY)) {
    throw new Error(`${ANSIBLE_INVENTORY} is missing: install ansible-core (apt-get install ansible-core); the inventory parity tests need it`);
  }
}

// Run from an empty directory so no ansible.cfg or group_vars/ of the cwd leaks in; fail instead of warning when
// ansible cannot parse a source, so that a broken example shows up as a broken example.
const ansibleEnv = {
  ...process.env,
  ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true',
  ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'true',
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_DEPRECATION_WARNINGS: 'false',
};

export async function ansibleInventory(sources: string[], action: string[]): Promise<string> {
  const args = [...sources.flatMap((s) => ['-i', s]), ...action];
  const { stdout } = await run(ANSIBLE_INVENTORY, args, { cwd: tmpdir(), env: ansibleEnv, maxBuffer: 64 * 1024 * 1024 });
  return stdout.replace(/\n$/, '');
}

/**
 * Several ansible-inventory invocations in one python process (ansible's own InventoryCLI, the code behind
 * /usr/bin/ansible-inventory): each costs a second or more of python start-up on a loaded machine otherwise.
 */
export async function ansibleInventoryBatch(invocations: string[][]): Promise<string[]> {
  const script = [
    'import sys, io, json',
    'from ansible.cli.inventory import InventoryCLI',
    'from ansible.utils.context_objects import GlobalCLIArgs',
    'results = []',
    'for argv in json.loads(sys.argv[1]):',
    '    GlobalCLIArgs._Singleton__instance = None  # the parsed CLI options are a process-wide singleton',
    '    buf = io.StringIO(); old = sys.stdout; sys.stdout = buf',
    '    try:',
    "        InventoryCLI(['ansible-inventory'] + argv).run()",
    '    except SystemExit:',
    '        pass',
    '    finally:',
    '        sys.stdout = old',
    '    results.append(buf.getvalue())',
    'print(json.dumps(results))',
  ].join('\n');
  const { stdout } = await run('/usr/bin/python3', ['-c', script, JSON.stringify(invocations)], { cwd: tmpdir(), env: ansibleEnv, maxBuffer: 64 * 1024 * 1024 });
  const outputs = JSON.parse(stdout) as string[];
  outputs.forEach((out, i) => {
    if (out === '') throw new Error(`ansible-inventory ${invocations[i]?.join(' ')} printed nothing (it failed)`);
  });
  return outputs.map((o) => o.replace(/\n$/, ''));
}

/** ansible's own InventoryManager.get_hosts(pattern) for several patterns in one python process. */
export async function ansiblePatterns(sources: string[], patterns: string[]): Promise<Record<string, string[] | string>> {
  const script = [
    'import json, sys',
    'from ansible.parsing.dataloader import DataLoader',
    'from ansible.inventory.manager import InventoryManager',
    'sources, patterns = json.loads(sys.argv[1]), json.loads(sys.argv[2])',
    'im = InventoryManager(DataLoader(), sources=sources)',
    'out = {}',
    'for p in patterns:',
    '    im.clear_pattern_cache()',
    '    try:',
    '        out[p] = [h.name for h in im.get_hosts(p)]',
    '    except Exception as e:',
    "        out[p] = 'ERROR: ' + str(e)",
    'print(json.dumps(out))',
  ].join('\n');
  const { stdout } = await run('/usr/bin/python3', ['-c', script, JSON.stringify(sources), JSON.stringify(patterns)], { cwd: tmpdir(), env: ansibleEnv });
  return JSON.parse(stdout) as Record<string, string[] | string>;
}
