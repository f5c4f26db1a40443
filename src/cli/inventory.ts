// PLACEHOLDER until the 'inventory' subcommand lands: replaced by its owner.
import type { Command } from 'commander';

export function register(program: Command): void {
  program.command('inventory').description('(not available yet)').action(() => {
    throw new Error('airlock inventory is not available yet');
  });
}
