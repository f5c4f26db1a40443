// `airlock inventory -i INV [-i INV2] --list | --graph [GROUP] [--vars] | --host HOST`: how airlock reads an
// inventory, in exactly the shapes `ansible-inventory` prints, so operators can check it against ansible.
import type { Command } from 'commander';
import { InputError } from '../util/errors.js';
import { inventoryGraph, inventoryHost, inventoryList, pythonJson } from '../inventory/ansible-output.js';
import { loadInventory } from '../inventory/load.js';
import { isSet, listSetting } from '../config/load.js';
import { Redactor } from '../report/redact.js';
import { onVaultPlaintext } from '../vault/session.js';
import { addVaultOptions, airlockConfig, setUpVault, type VaultCliOptions } from './settings.js';

interface InventoryOptions extends VaultCliOptions {
  inventory: string[];
  list?: boolean;
  host?: string;
  graph?: boolean;
  vars?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  const command = program
    .command('inventory')
    .description('Show the inventory as airlock reads it, in the formats of ansible-inventory')
    .argument('[group]', 'with --graph: the group to start from (default: all)')
    .option('-i, --inventory <source>', 'inventory file (YAML/INI), directory, or host1,host2, list; repeat to merge several', collect, [])
    .option('--list', 'all groups and host variables, as JSON (ansible-inventory --list)')
    .option('--host <host>', "one host's variables, as JSON")
    .option('--graph', 'the group tree')
    .option('--vars', 'with --graph: show variables');
  addVaultOptions(command).action(async (groupArg: string | undefined, options: InventoryOptions) => {
      const actions = [options.list, options.host !== undefined, options.graph].filter(Boolean).length;
      if (actions !== 1) throw new InputError('airlock inventory: give exactly one of --list, --host HOST or --graph [GROUP]');
      const config = airlockConfig();
      // ansible.cfg inventory / ANSIBLE_INVENTORY, as ansible-inventory takes it when no -i is given
      const sources = options.inventory.length > 0 ? options.inventory : isSet(config, 'DEFAULT_HOST_LIST') ? listSetting(config, 'DEFAULT_HOST_LIST') : [];
      if (sources.length === 0) throw new InputError('airlock inventory: no inventory given; pass -i FILE (repeatable)');
      if (groupArg !== undefined && !options.graph) throw new InputError(`airlock inventory: unexpected argument '${groupArg}' (a group is only taken by --graph)`);
      await setUpVault(options);
      const inventory = await loadInventory(sources);
      for (const warning of inventory.warnings) process.stderr.write(`[WARNING]: ${warning}\n`);
      let output: string;
      if (options.list) output = pythonJson(inventoryList(inventory));
      else if (options.host !== undefined) output = pythonJson(inventoryHost(inventory, options.host));
      else output = inventoryGraph(inventory, groupArg ?? 'all', options.vars === true);
      // vault plaintexts never reach the terminal (ansible-inventory shows inline ones still encrypted)
      const redactor = new Redactor();
      onVaultPlaintext((secret) => redactor.addSecret(secret));
      process.stdout.write(`${redactor.redact(output)}\n`);
  });
}
