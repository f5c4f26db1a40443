// service: start/stop/restart/reload and enable/disable a service. airlock manages services through systemd only;
// on a host without it the task fails, naming what PID 1 is (lib/systemd-unit.ts).
import { failOnArgError } from './lib/common.js';
import { manageUnit, parseUnitSpec, unitArgsSchema } from './lib/systemd-unit.js';
import type { ModuleDefinition } from './lib/types.js';

const UNSUPPORTED = ['pattern', 'sleep', 'runlevel', 'arguments', 'args', 'use'] as const;

export const serviceModule: ModuleDefinition = {
  name: 'service',
  argsSchema: {
    type: 'object',
    properties: { ...unitArgsSchema, ...Object.fromEntries(UNSUPPORTED.map((key) => [key, {}])) },
    additionalProperties: false,
  },
  run: (args, ctx) => failOnArgError(() => manageUnit(ctx, 'service', parseUnitSpec('service', args, UNSUPPORTED))),
};
