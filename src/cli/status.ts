// PLACEHOLDER until the 'status' subcommand lands: replaced by its owner.
import type { Command } from 'commander';

export function register(program: Command): void {
  program.command('status').description('(not available yet)').action(() => {
    throw new Error('airlock status is not available yet');
  });
}
