// PLACEHOLDER until the 'demo' subcommand lands: replaced by its owner.
import type { Command } from 'commander';

export function register(program: Command): void {
  program.command('demo').description('(not available yet)').action(() => {
    throw new Error('airlock demo is not available yet');
  });
}
