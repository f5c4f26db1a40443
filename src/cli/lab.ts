// PLACEHOLDER until the 'lab' subcommand lands: replaced by its owner.
import type { Command } from 'commander';

export function register(program: Command): void {
  program.command('lab').description('(not available yet)').action(() => {
    throw new Error('airlock lab is not available yet');
  });
}
