// tempfile: a new temporary file (0600) or directory (0700) on the host, named prefix + random + suffix, in `path` or
// the host's $TMPDIR (else /tmp), as Python's mkstemp/mkdtemp make them. Always changed. Like Ansible's, the module
// does not support check mode: under --check the task is skipped.
import { sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalString } from './lib/common.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

export interface TempfileSpec {
  state: 'file' | 'directory';
  path?: string;
  prefix: string;
  suffix: string;
}

/** mktemp with an 8-character random part; the directory is `path` or $TMPDIR or /tmp, as tempfile.gettempdir(). */
export function tempfileCommand(spec: TempfileSpec): string {
  const directoryFlag = spec.state === 'directory' ? '-d ' : '';
  const dir = spec.path === undefined ? '"${TMPDIR:-/tmp}"' : sh`${spec.path}`;
  return `mktemp ${directoryFlag}${sh`--suffix=${spec.suffix}`} -p ${dir} -- ${sh`${`${spec.prefix}XXXXXXXX`}`}`;
}

export function parseTempfileSpec(args: Record<string, unknown>): TempfileSpec {
  const state = optionalString('tempfile', args, 'state') ?? 'file';
  if (state !== 'file' && state !== 'directory') throw new ModuleArgError('tempfile', `'state' must be file or directory, got ${state}`);
  const prefix = optionalString('tempfile', args, 'prefix') ?? 'ansible.';
  const suffix = optionalString('tempfile', args, 'suffix') ?? '';
  // mktemp takes its template as a file name: a slash would put the file elsewhere than `path`
  if (prefix.includes('/') || suffix.includes('/')) throw new ModuleArgError('tempfile', "'prefix' and 'suffix' may not contain '/'");
  const spec: TempfileSpec = { state, prefix, suffix };
  const path = optionalString('tempfile', args, 'path');
  if (path !== undefined && path !== '') spec.path = path;
  return spec;
}

export const tempfileModule: ModuleDefinition = {
  name: 'tempfile',
  argsSchema: {
    type: 'object',
    properties: { state: { enum: ['file', 'directory'] }, path: { type: 'string' }, prefix: { type: 'string' }, suffix: { type: 'string' } },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const spec = parseTempfileSpec(args);
      if (ctx.check) return { changed: false, skipped: true, msg: 'remote module (tempfile) does not support check mode' };
      const result = await exec(ctx, tempfileCommand(spec));
      if (result.rc !== 0) return { changed: false, failed: true, rc: result.rc, msg: `tempfile: ${result.stderr.trim()}` };
      return { changed: true, data: { path: result.stdout.trim() } };
    }),
};
