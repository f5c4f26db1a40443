// lxd_exec: a command inside a container, through `lxc exec` (no shell on the host in between). The container's exit
// code is the task's: non-zero fails the task with stderr, as the command module does.
import { exec, ModuleArgError, optionalString } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';
import { configMap, lxc, lxdName, projectArg } from './lib/lxc.js';
import { lxdModuleResult } from './lib/lxd-result.js';

export interface ExecSpec {
  container: string;
  project: string | undefined;
  /** argv inside the container; a `cmd` string becomes ['sh', '-c', cmd] */
  argv: string[];
  env: Record<string, string>;
  cwd: string | undefined;
  user: number | undefined;
}

/** Pure: the `lxc exec` line. */
export function lxdExecCommand(spec: ExecSpec): string {
  return lxc(['exec', spec.container, ...(spec.project ? ['--project', spec.project] : []),
    ...(spec.cwd ? ['--cwd', spec.cwd] : []), ...(spec.user === undefined ? [] : ['--user', spec.user]),
    ...Object.entries(spec.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]), '--', ...spec.argv]);
}

/** `test -e PATH` inside the container: for `creates`. */
export function lxdPathExistsCommand(container: string, project: string | undefined, path: string): string {
  return lxdExecCommand({ container, project, argv: ['test', '-e', path], env: {}, cwd: undefined, user: undefined });
}

export const lxdExecModule: ModuleDefinition = {
  name: 'lxd_exec',
  freeFormArg: 'cmd',
  argsSchema: {
    type: 'object',
    required: ['container'],
    properties: {
      container: { type: 'string' },
      project: { type: 'string' },
      cmd: { type: 'string' },
      argv: { type: 'array', items: { type: ['string', 'number'] }, minItems: 1 },
      env: { type: 'object' },
      cwd: { type: 'string' },
      user: { type: ['number', 'string'] },
      stdin: { type: 'string' },
      creates: { type: 'string' },
      timeout: { type: ['number', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    lxdModuleResult(async () => {
      const module = 'lxd_exec';
      const container = lxdName(module, 'container', args['container']);
      const project = projectArg(module, args);
      const cmd = optionalString(module, args, 'cmd');
      const argvArg = args['argv'];
      if ((cmd === undefined) === (argvArg === undefined)) throw new ModuleArgError(module, "exactly one of 'cmd' and 'argv' is required");
      const argv = Array.isArray(argvArg) ? argvArg.map(String) : ['sh', '-c', cmd ?? ''];
      const userArg = args['user'];
      const spec: ExecSpec = {
        container, project, argv,
        env: configMap(module, args['env'], 'env'),
        cwd: optionalString(module, args, 'cwd'),
        user: userArg === undefined ? undefined : Number(userArg),
      };
      const creates = optionalString(module, args, 'creates');
      if (creates !== undefined && (await exec(ctx, lxdPathExistsCommand(container, project, creates))).rc === 0) {
        return { changed: false, msg: `skipped, since ${creates} exists in ${container}` };
      }
      const command = lxdExecCommand(spec);
      if (ctx.check) return { changed: true, skipped: true, msg: 'command would run (check mode)' };
      const stdin = optionalString(module, args, 'stdin');
      const timeout = args['timeout'] === undefined ? undefined : Number(args['timeout']) * 1000;
      const result = await exec(ctx, command, { ...(stdin === undefined ? {} : { stdin }), ...(timeout === undefined ? {} : { timeoutMs: timeout }) });
      const output = { rc: result.rc, stdout: result.stdout.replace(/\n+$/, ''), stderr: result.stderr.replace(/\n+$/, '') };
      if (result.rc !== 0) return { changed: true, failed: true, msg: `non-zero return code ${result.rc} in ${container}`, ...output };
      return { changed: true, ...output };
    }),
};
