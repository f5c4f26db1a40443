// `airlock rollback HOST... -i INV [--to REVISION]`: restore each named host's MISP stack to its previous revision
// (or revision N) from the snapshots taken at update time. Runs the shipped playbooks/rollback.yml on exactly those
// hosts, with every option of `airlock run` available after `--`.
import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { shippedPlaybook } from '../util/home.js';
import { InputError } from '../util/errors.js';
import { addVaultOptions, type VaultCliOptions } from './settings.js';

interface RollbackOptions extends Partial<VaultCliOptions> {
  inventory: string[];
  to?: string;
  project?: string;
}

/** The vault options, handed on to `airlock run` as given (the inventory may hold vaulted values). */
function vaultArgs(options: Partial<VaultCliOptions>): string[] {
  return [
    ...(options.vaultId ?? []).flatMap((id) => ['--vault-id', id]),
    ...[...(options.vaultPasswordFile ?? []), ...(options.vaultPassFile ?? [])].flatMap((file) => ['--vault-password-file', file]),
    ...(options.askVaultPass === true || options.askVaultPassword === true ? ['--ask-vault-pass'] : []),
  ];
}

/** The `airlock run` argv that performs the rollback (exported for tests: what a rollback really runs). */
export function rollbackRunArgs(hosts: string[], options: RollbackOptions, passthrough: string[]): string[] {
  if (hosts.length === 0) throw new InputError('name at least one host to roll back');
  if (options.to !== undefined && !/^[1-9][0-9]*$/.test(options.to)) throw new InputError(`--to takes a revision number, got '${options.to}'`);
  const extra: Record<string, unknown> = { misp_hosts: 'all' };
  if (options.to !== undefined) extra['misp_rollback_to'] = Number(options.to);
  if (options.project !== undefined) extra['misp_project'] = options.project;
  return [
    'run', shippedPlaybook('rollback.yml'),
    ...options.inventory.flatMap((i) => ['-i', i]),
    '--limit', hosts.join(','),
    '-e', JSON.stringify(extra),
    ...vaultArgs(options),
    ...passthrough,
  ];
}

export function register(program: Command): void {
  const command = program
    .command('rollback')
    .description("restore hosts' MISP stacks to their previous (or a named) revision")
    .argument('<hosts...>', 'inventory host names (or patterns)')
    .option('-i, --inventory <file>', 'inventory (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--to <revision>', 'revision number to restore (default: the one replaced by the last update)')
    .option('--project <name>', 'LXD project of the stack (default misp)')
    .allowUnknownOption(true);
  addVaultOptions(command).action((hosts: string[], options: RollbackOptions, command: Command) => {
      const passthrough = command.args.slice(hosts.length);
      const args = rollbackRunArgs(hosts, options, passthrough);
      const cli = fileURLToPath(new URL('./main.js', import.meta.url));
      try {
        execFileSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
      } catch (error) {
        process.exitCode = (error as { status?: number }).status ?? 1;
      }
    });
}
