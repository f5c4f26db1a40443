// command: run a program with arguments and NO shell in between (Ansible's command). `cmd`/free-form text is split
// like Python's shlex and every word is quoted, so `$(...)`, `;`, `|` and globs reach the program literally.
import { failOnArgError, ModuleArgError, optionalBool, optionalString } from './lib/common.js';
import { commandModuleLine } from './lib/command-line.js';
import { checkModeCommand, guardSkipMessage, runCommandLine } from './lib/run-command.js';
import { shlexSplit, ShlexError } from '../parsing/shlex.js';
import type { ModuleDefinition } from './lib/types.js';

export function commandArgv(args: Record<string, unknown>): string[] {
  const argv = args['argv'];
  const cmd = optionalString('command', args, 'cmd');
  if (argv !== undefined && cmd !== undefined) throw new ModuleArgError('command', "'cmd' and 'argv' are mutually exclusive");
  if (argv !== undefined) {
    if (!Array.isArray(argv) || argv.length === 0) throw new ModuleArgError('command', "'argv' must be a non-empty list");
    return argv.map((word) => {
      if (typeof word !== 'string' && typeof word !== 'number') throw new ModuleArgError('command', "'argv' items must be strings");
      return String(word);
    });
  }
  if (cmd === undefined || cmd.trim() === '') throw new ModuleArgError('command', "'cmd' (or free-form text, or 'argv') is required");
  try {
    return shlexSplit(cmd);
  } catch (error) {
    if (error instanceof ShlexError) throw new ModuleArgError('command', `cannot split 'cmd' into words: ${error.message}`);
    throw error;
  }
}

export const commandModule: ModuleDefinition = {
  name: 'command',
  freeFormArg: 'cmd',
  argsSchema: {
    type: 'object',
    properties: {
      cmd: { type: 'string' },
      argv: { type: 'array', items: { type: ['string', 'number'] }, minItems: 1 },
      chdir: { type: 'string' },
      creates: { type: 'string' },
      removes: { type: 'string' },
      stdin: { type: 'string' },
      stdin_add_newline: { type: ['boolean', 'string'] },
      strip_empty_ends: { type: ['boolean', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const { argv, options } = commandInvocation(args);
      if (ctx.check) return checkModeCommand(ctx, options, argv);
      let stdin = optionalString('command', args, 'stdin');
      if (stdin !== undefined && optionalBool('command', args, 'stdin_add_newline', true)) stdin += '\n';
      return runCommandLine(ctx, commandModuleLine(argv, options), options, argv, stdin);
    }),
  background: (args) => {
    const { argv, options } = commandInvocation(args);
    if (args['stdin'] !== undefined) throw new ModuleArgError('command', "'stdin' cannot be used with async (the job runs detached)");
    return { line: commandModuleLine(argv, options), cmd: argv, skipMessage: guardSkipMessage(options) };
  },
};

function commandInvocation(args: Record<string, unknown>): { argv: string[]; options: { chdir?: string; creates?: string; removes?: string } } {
  const argv = commandArgv(args);
  const options: { chdir?: string; creates?: string; removes?: string } = {};
  for (const key of ['chdir', 'creates', 'removes'] as const) {
    const value = optionalString('command', args, key);
    if (value !== undefined) options[key] = value;
  }
  return { argv, options };
}
