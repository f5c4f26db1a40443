#!/usr/bin/env node
// Entry point: one file per subcommand under src/cli/, each exporting register(program).
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { ExitCode } from '../executor/exit-codes.js';
import { InputError } from '../util/errors.js';

interface Subcommand {
  register(program: Command): void;
}

/**
 * Each subcommand's module, in the order help lists them. Only the one named on the command line is loaded: all of
 * them together (the LXD lab, bundles, execa, openpgp on the way) add ~0.15 CPU-s to every start, and a run on a
 * fleet waits for its start-up before the first connection.
 */
const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  run: () => import('./run.js'),
  inventory: () => import('./inventory.js'),
  lab: () => import('./lab.js'),
  bundle: () => import('./bundle.js'),
  rollback: () => import('./rollback.js'),
  status: () => import('./status.js'),
  vault: () => import('./vault.js'),
  config: () => import('./config.js'),
  demo: () => import('./demo.js'),
};

// Set by scripts/package.ts (esbuild `define`) in the self-contained artifact, where no package.json sits beside
// the code; the checkout has none defined and reads package.json. `typeof` keeps the undefined global harmless.
declare const __AIRLOCK_VERSION__: string | undefined;

function packageVersion(): string {
  if (typeof __AIRLOCK_VERSION__ === 'string') return __AIRLOCK_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The program with the subcommand `argv` names, or with all of them (help, --version, a typo to be reported). */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('airlock')
    .description('Agentless, Ansible-style orchestration for fleets of air-gapped hosts')
    .version(packageVersion(), '--version')
    .showHelpAfterError()
    .exitOverride();
  const word = argv[2];
  const named = word !== undefined && Object.hasOwn(SUBCOMMANDS, word) ? SUBCOMMANDS[word] : undefined;
  const subcommands = await Promise.all((named ? [named] : Object.values(SUBCOMMANDS)).map((load) => load()));
  for (const subcommand of subcommands) subcommand.register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
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
      if (verbosity(argv) >= 3 && error.cause instanceof Error) process.stderr.write(`${error.cause.stack ?? ''}\n`);
      return ExitCode.inputError;
    }
    // Not an input error: a bug, or a failure nothing translated yet. One line, never a library's stack trace on
    // the operator's screen; -vvv adds the trace for the bug report.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`airlock: unexpected error: ${message}\n`);
    if (verbosity(argv) >= 3 && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    else process.stderr.write('airlock: run again with -vvv to see where it happened\n');
    return ExitCode.inputError;
  }
}

/** How many -v the command line holds (-v -v, -vv, --verbose): read here because the failure may precede parsing. */
function verbosity(argv: readonly string[]): number {
  return argv.slice(2).reduce((count, word) => {
    if (word === '--verbose') return count + 1;
    return /^-v+$/.test(word) ? count + word.length - 1 : count;
  }, 0);
}

process.exitCode = await main(process.argv);
