// script: push a controller script to a private temp path on the host, run it (with its arguments), remove it.
// creates/removes are checked before the upload; run and removal happen in one exec whatever the script's exit.
import { stat } from 'node:fs/promises';
import { joinCommand, sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalString, requireString, tempToken } from './lib/common.js';
import { guardOnlyCommand, SKIP_MARKER, type Guard } from './lib/command-line.js';
import { checkModeCommand, runCommandLine } from './lib/run-command.js';
import { shlexSplit, ShlexError } from '../parsing/shlex.js';
import type { ModuleDefinition } from './lib/types.js';

/** Run the pushed script and remove it, keeping the script's exit status. */
export function scriptRunLine(remotePath: string, scriptArgs: readonly string[], options: { chdir?: string; executable?: string }): string {
  const argv = options.executable === undefined ? [remotePath, ...scriptArgs] : [options.executable, remotePath, ...scriptArgs];
  const run = options.chdir === undefined ? joinCommand(argv) : `${sh`cd -- ${options.chdir}`} && ${joinCommand(argv)}`;
  return `${run}; rc=$?; ${sh`rm -f -- ${remotePath}`}; exit $rc`;
}

export const scriptModule: ModuleDefinition = {
  name: 'script',
  freeFormArg: 'cmd',
  argsSchema: {
    type: 'object',
    properties: {
      cmd: { type: 'string' },
      chdir: { type: 'string' },
      creates: { type: 'string' },
      removes: { type: 'string' },
      executable: { type: 'string' },
    },
    required: ['cmd'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const cmd = requireString('script', args, 'cmd');
      let words: string[];
      try {
        words = shlexSplit(cmd);
      } catch (error) {
        if (error instanceof ShlexError) throw new ModuleArgError('script', `cannot split 'cmd' into words: ${error.message}`);
        throw error;
      }
      const [scriptName, ...scriptArgs] = words;
      if (scriptName === undefined) throw new ModuleArgError('script', "'cmd' must name a script");
      const localPath = ctx.findFile(scriptName, 'files');
      const info = await stat(localPath).catch(() => undefined);
      if (!info?.isFile()) throw new ModuleArgError('script', `script ${scriptName} not found on the controller (looked at ${localPath})`);
      const guard: Guard = {};
      const creates = optionalString('script', args, 'creates');
      const removes = optionalString('script', args, 'removes');
      if (creates !== undefined) guard.creates = creates;
      if (removes !== undefined) guard.removes = removes;
      if (ctx.check) return checkModeCommand(ctx, guard, cmd);
      if (creates !== undefined || removes !== undefined) {
        const guardResult = await exec(ctx, guardOnlyCommand(guard));
        if (guardResult.stdout.trim() === SKIP_MARKER) {
          return { changed: false, skipped: true, msg: creates !== undefined ? `skipped, since ${creates} exists` : `skipped, since ${removes ?? ''} does not exist`, data: { cmd } };
        }
      }
      const remotePath = `/tmp/.airlock-script-${tempToken()}`;
      // Readable by a non-root become user; private otherwise.
      const mode = ctx.become && ctx.become.user !== 'root' ? 0o755 : 0o700;
      await ctx.conn.putFile(localPath, remotePath, { mode, signal: ctx.signal });
      const options: { chdir?: string; executable?: string } = {};
      const chdir = optionalString('script', args, 'chdir');
      const executable = optionalString('script', args, 'executable');
      if (chdir !== undefined) options.chdir = chdir;
      if (executable !== undefined) options.executable = executable;
      return runCommandLine(ctx, scriptRunLine(remotePath, scriptArgs, options), {}, cmd);
    }),
};
