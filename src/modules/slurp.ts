// slurp: a file's content from the host, base64-encoded ({content, source, encoding: 'base64'}), usually decoded
// with `| b64decode`. One exec; coreutils' base64 without line wrapping. Read-only, so it runs in check mode too.
import { sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalString } from './lib/common.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

export function slurpCommand(src: string): string {
  return sh`LC_ALL=C base64 -w 0 -- ${src}`;
}

/** Ansible's messages for the errors a read can meet, from base64's stderr. */
export function slurpFailure(src: string, stderr: string): string {
  if (stderr.includes('No such file or directory')) return `file not found: ${src}`;
  if (stderr.includes('Permission denied')) return `file is not readable: ${src}`;
  if (stderr.includes('Is a directory')) return `source is a directory and must be a file: ${src}`;
  return `unable to slurp file: ${stderr.trim()}`;
}

export const slurpModule: ModuleDefinition = {
  name: 'slurp',
  argsSchema: { type: 'object', properties: { src: { type: 'string' }, path: { type: 'string' } }, additionalProperties: false },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const src = optionalString('slurp', args, 'src') ?? optionalString('slurp', args, 'path');
      if (src === undefined || src === '') throw new ModuleArgError('slurp', "'src' is required");
      const result = await exec(ctx, slurpCommand(src));
      if (result.rc !== 0) return { changed: false, failed: true, msg: slurpFailure(src, result.stderr) };
      return { changed: false, data: { content: result.stdout.trim(), source: src, encoding: 'base64' } };
    }),
};
