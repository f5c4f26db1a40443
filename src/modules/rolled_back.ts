// rolled_back: ends a rescue that restored a host to its previous state (a failed stack update). The host is reported
// with Ansible's statuses plus `rolled_back`: it counts as a failure for max_fail_percentage (the rollout halts),
// but the recap says plainly that the host runs its previous revision again, and why.
import { failOnArgError, requireString } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';

export const rolledBackModule: ModuleDefinition = {
  name: 'rolled_back',
  controllerOnly: true,
  argsSchema: {
    type: 'object',
    required: ['msg'],
    properties: { msg: { type: 'string' } },
    additionalProperties: false,
  },
  run: (args) => failOnArgError(async () => ({ changed: false, failed: true, msg: requireString('rolled_back', args, 'msg'), data: { rolled_back: true } })),
};
