// PLACEHOLDER until the 'run' subcommand lands: replaced by its owner.
import type { Command } from 'commander';

export function register(program: Command): void {
  program.command('run').description('(not available yet)').action(() => {
    throw new Error('airlock run is not available yet');
  });
}
