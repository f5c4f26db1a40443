// lxd_pipe: the output of a command in one container streamed into a command in another (a database dump into the
// new database, for instance), through the host, without a temporary file and without a shell string built by hand.
import { pipeline } from '../util/shell.js';
import { exec } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';
import { lxdGet, lxdName, projectArg } from './lib/lxc.js';
import { outOfSpaceNote, saysOutOfSpace } from './lib/lxd-disk-full.js';
import { lxdExecCommand } from './lxd_exec.js';
import { lxdModuleResult } from './lib/lxd-result.js';

/** Pure: one pipeline that fails when either side fails. */
export function lxdPipeCommand(fromContainer: string, fromArgv: string[], toContainer: string, toArgv: string[], project: string | undefined): string {
  const from = lxdExecCommand({ container: fromContainer, project, argv: fromArgv, env: {}, cwd: undefined, user: undefined });
  const to = lxdExecCommand({ container: toContainer, project, argv: toArgv, env: {}, cwd: undefined, user: undefined });
  return pipeline(from, to);
}

function argvOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('argv must be a non-empty list');
  return value.map(String);
}

export const lxdPipeModule: ModuleDefinition = {
  name: 'lxd_pipe',
  argsSchema: {
    type: 'object',
    required: ['from_container', 'from_argv', 'to_container', 'to_argv'],
    properties: {
      project: { type: 'string' },
      from_container: { type: 'string' },
      from_argv: { type: 'array', items: { type: ['string', 'number'] }, minItems: 1 },
      to_container: { type: 'string' },
      to_argv: { type: 'array', items: { type: ['string', 'number'] }, minItems: 1 },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    lxdModuleResult(async () => {
      const project = projectArg('lxd_pipe', args);
      const command = lxdPipeCommand(lxdName('lxd_pipe', 'from_container', args['from_container']), argvOf(args['from_argv']),
        lxdName('lxd_pipe', 'to_container', args['to_container']), argvOf(args['to_argv']), project);
      if (ctx.check) return { changed: true, skipped: true, msg: 'would stream (check mode)' };
      const result = await exec(ctx, command);
      if (result.rc !== 0) {
        const space = saysOutOfSpace(result.stderr) ? `; ${await outOfSpaceNote(ctx, lxdGet)}` : '';
        return { changed: true, failed: true, rc: result.rc, stderr: result.stderr.trim(), msg: `lxd_pipe failed: ${result.stderr.trim()}${space}` };
      }
      return { changed: true, rc: 0 };
    }),
};
