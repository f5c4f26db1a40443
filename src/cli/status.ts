// `airlock status -i INV [-l LIMIT]`: per host, the live stack revision, the version of each component, how many of
// its containers run, the MISP address, and any operation open or left unfinished there. Read-only.
// Exit 0: every selected host runs its live revision fully, with no open operation and no stray container;
// 2: some host does not (degraded, no stack, or an unreadable record); 4: some host could not be reached.
import type { Command } from 'commander';
import { ConnectionPool } from '../connection/pool.js';
import { loadInventory } from '../inventory/load.js';
import { formatStatusTable, stackStatuses } from '../stack/status.js';
import { InputError } from '../util/errors.js';
import { ExitCode } from '../executor/exit-codes.js';
import { addVaultOptions, setUpVault, type VaultCliOptions } from './settings.js';

interface StatusOptions {
  inventory: string[];
  limit?: string;
  project: string;
  json: boolean;
  forks: string;
  knownHosts: string[];
}

export function register(program: Command): void {
  const command = program
    .command('status')
    .description('show the MISP stack revision, component versions, running containers and MISP address of every host')
    .option('-i, --inventory <file>', 'inventory (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('-l, --limit <pattern>', 'only these hosts (Ansible host pattern)')
    .option('--project <name>', 'LXD project of the stack', 'misp')
    .option('--json', 'print JSON instead of a table', false)
    .option('-f, --forks <n>', 'hosts read in parallel', '50')
    .option('--known-hosts <file>', 'extra known_hosts file (repeatable)', (v: string, p: string[]) => [...p, v], []);
  addVaultOptions(command).action(async (options: StatusOptions & VaultCliOptions) => {
      if (options.inventory.length === 0) throw new InputError('status needs an inventory: -i FILE');
      await setUpVault(options);
      const inventory = await loadInventory(options.inventory);
      const hosts = inventory.select(options.limit ?? 'all');
      if (hosts.length === 0) throw new InputError(`no host matches '${options.limit ?? 'all'}'`);
      const pool = new ConnectionPool({ knownHostsFiles: options.knownHosts, resolveHostVars: (h) => inventory.hosts.get(h)?.vars });
      try {
        const rows = await stackStatuses(hosts, (host) => pool.get(host, inventory.hosts.get(host)?.vars ?? {}), options.project, Number(options.forks) || 50);
        process.stdout.write(options.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatStatusTable(rows)}\n`);
        process.exitCode = rows.some((r) => r.state === 'unreachable') ? ExitCode.hostUnreachable
          : rows.some((r) => r.state !== 'ok') ? ExitCode.hostFailed : ExitCode.ok;
      } finally {
        await pool.closeAll();
      }
  });
}
