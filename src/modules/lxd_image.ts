// lxd_image: an image in the host's LXD, idempotent by fingerprint. A thin adapter: the decision is the bundle code's
// ensureLxdImage (src/bundle/lxd-image.ts), which `bundle push --import` runs too; this file parses the task's
// arguments and turns the outcome into a task result.
import { ensureLxdImage, LxdImageError, type LxdImageArgs, type LxdImageOutcome } from '../bundle/lxd-image.js';
import { LxcError } from '../util/lxc-error.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString } from './lib/common.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';

const MODULE = 'lxd_image';

export function lxdImageArgs(args: Record<string, unknown>): LxdImageArgs {
  const state = optionalString(MODULE, args, 'state') ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgError(MODULE, `'state' must be present or absent, got '${state}'`);
  const pick = (name: string): Record<string, string> => {
    const value = optionalString(MODULE, args, name);
    return value === undefined ? {} : { [name]: value };
  };
  const parsed: LxdImageArgs = {
    ...pick('file'), ...pick('manifest'), ...pick('component'), ...pick('alias'), ...pick('fingerprint'), ...pick('sha256'),
    state, keep_file: optionalBool(MODULE, args, 'keep_file', false),
  };
  if (parsed.file === undefined && parsed.manifest === undefined && parsed.fingerprint === undefined && parsed.alias === undefined) {
    throw new ModuleArgError(MODULE, "one of 'file', 'manifest' + 'component', 'fingerprint' or 'alias' is required");
  }
  return parsed;
}

export const lxdImageModule: ModuleDefinition = {
  name: 'lxd_image',
  argsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      file: { type: 'string' },
      manifest: { type: 'string' },
      component: { type: 'string' },
      alias: { type: 'string' },
      fingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      state: { enum: ['present', 'absent'] },
      keep_file: { type: 'boolean' },
    },
  },
  run: (args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult> =>
    failOnArgError(async () => {
      let outcome: LxdImageOutcome;
      try {
        outcome = await ensureLxdImage((command) => exec(ctx, command), lxdImageArgs(args), ctx.check);
      } catch (error) {
        if (error instanceof LxdImageError) return { changed: false, failed: true, msg: `${MODULE}: ${error.message}` };
        if (error instanceof LxcError) return { changed: false, failed: true, msg: error.message };
        throw error;
      }
      return {
        changed: outcome.changed,
        ...(outcome.failed ? { failed: true } : {}),
        msg: outcome.msg,
        data: { fingerprint: outcome.fingerprint ?? null, actions: outcome.actions },
      };
    }),
};
