// systemd: units through systemctl (state, enabled, daemon_reload), sharing lib/systemd-unit.ts with service.
// Without systemd on the host the task fails with "not available on this host".
import { failOnArgError } from './lib/common.js';
import { manageUnit, parseUnitSpec, unitArgsSchema } from './lib/systemd-unit.js';
import type { ModuleDefinition } from './lib/types.js';

const UNSUPPORTED = ['masked', 'scope', 'no_block', 'force', 'daemon_reexec', 'user'] as const;

export const systemdModule: ModuleDefinition = {
  name: 'systemd',
  argsSchema: {
    type: 'object',
    properties: { ...unitArgsSchema, ...Object.fromEntries(UNSUPPORTED.map((key) => [key, {}])) },
    additionalProperties: false,
  },
  run: (args, ctx) => failOnArgError(() => manageUnit(ctx, 'systemd', parseUnitSpec('systemd', args, UNSUPPORTED))),
};
