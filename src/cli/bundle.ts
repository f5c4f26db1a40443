// PLACEHOLDER until the 'bundle' subcommand lands: replaced by its owner.
import type { Command } from 'commander';

export function register(program: Command): void {
  program.command('bundle').description('(not available yet)').action(() => {
    throw new Error('airlock bundle is not available yet');
  });
}
