#!/usr/bin/env node
// Entry point: one file per subcommand under src/cli/, each exporting register(program).
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { ExitCode } from './exit-codes.js';
import { InputError } from '../util/errors.js';
import { register as registerLab } from './lab.js';
import { register as registerInventory } from './inventory.js';
import { register as registerRun } from './run.js';
import { register as registerBundle } from './bundle.js';
import { register as registerRollback } from './rollback.js';
import { register as registerStatus } from './status.js';
import { register as registerDemo } from './demo.js';

// Set by scripts/package.ts (esbuild `define`) in the self-contained artifact, where no package.json sits beside
// the code; the checkout has none defined and reads package.json. `typeof` keeps the undefined global harmless.
declare const __AIRLOCK_VERSION__: string | undefined;

function packageVersion(): string {
  if (typeof __AIRLOCK_VERSION__ === 'string') return __AIRLOCK_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('airlock')
    .description('Agentless, Ansible-style orchestration for fleets of air-gapped hosts')
    .version(packageVersion(), '--version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerRun, registerInventory, registerLab, registerBundle, registerRollback, registerStatus, registerDemo]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.inputError;
    }
    if (error instanceof InputError) {
      process.stderr.write(`airlock: ${error.message}\n`);
      return ExitCode.inputError;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv);
