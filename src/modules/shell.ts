// shell: run the operator's text through a shell (`executable -c`, default /bin/sh), for pipes and redirections.
// The text is the one thing meant to be shell code; chdir/creates/removes/executable are quoted like any value.
import { failOnArgError, ModuleArgError, optionalBool, optionalString, requireString } from './lib/common.js';
import { shellModuleLine } from './lib/command-line.js';
import { checkModeCommand, guardSkipMessage, runCommandLine } from './lib/run-command.js';
import type { ModuleDefinition } from './lib/types.js';

export const shellModule: ModuleDefinition = {
  name: 'shell',
  freeFormArg: 'cmd',
  argsSchema: {
    type: 'object',
    properties: {
      cmd: { type: 'string' },
      chdir: { type: 'string' },
      creates: { type: 'string' },
      removes: { type: 'string' },
      executable: { type: 'string' },
      stdin: { type: 'string' },
      stdin_add_newline: { type: ['boolean', 'string'] },
    },
    required: ['cmd'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const { script, options } = shellInvocation(args);
      if (ctx.check) return checkModeCommand(ctx, options, script);
      let stdin = optionalString('shell', args, 'stdin');
      if (stdin !== undefined && optionalBool('shell', args, 'stdin_add_newline', true)) stdin += '\n';
      return runCommandLine(ctx, shellModuleLine(script, options), options, script, stdin);
    }),
  background: (args) => {
    const { script, options } = shellInvocation(args);
    if (args['stdin'] !== undefined) throw new ModuleArgError('shell', "'stdin' cannot be used with async (the job runs detached)");
    return { line: shellModuleLine(script, options), cmd: script, skipMessage: guardSkipMessage(options) };
  },
};

function shellInvocation(args: Record<string, unknown>): { script: string; options: { chdir?: string; creates?: string; removes?: string; executable?: string } } {
  const script = requireString('shell', args, 'cmd');
  const options: { chdir?: string; creates?: string; removes?: string; executable?: string } = {};
  for (const key of ['chdir', 'creates', 'removes', 'executable'] as const) {
    const value = optionalString('shell', args, key);
    if (value !== undefined) options[key] = value;
  }
  return { script, options };
}
