// meta: instructions for the executor rather than the host. The module only validates and returns data.meta; the
// executor acts on it (flush handlers now, end the play for all hosts, end it for this host, drop gathered facts).
import type { ModuleDefinition } from './lib/types.js';

export const META_ACTIONS = ['flush_handlers', 'end_play', 'end_host', 'end_batch', 'noop', 'clear_facts', 'clear_host_errors'] as const;
export type MetaAction = (typeof META_ACTIONS)[number];

export const metaModule: ModuleDefinition = {
  name: 'meta',
  controllerOnly: true,
  freeFormArg: 'action',
  argsSchema: {
    type: 'object',
    properties: { action: { enum: [...META_ACTIONS] } },
    required: ['action'],
    additionalProperties: false,
  },
  run: async (args) => {
    const action = args['action'];
    if (typeof action !== 'string' || !(META_ACTIONS as readonly string[]).includes(action)) {
      return { changed: false, failed: true, msg: `meta: unknown action ${JSON.stringify(action)}; one of ${META_ACTIONS.join(', ')}` };
    }
    return { changed: false, data: { meta: action as MetaAction } };
  },
};
