// PLACEHOLDER until the 'rollback' subcommand lands: replaced by its owner.
import type { Command } from 'commander';

export function register(program: Command): void {
  program.command('rollback').description('(not available yet)').action(() => {
    throw new Error('airlock rollback is not available yet');
  });
}
