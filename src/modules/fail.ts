// fail: end the host's play with a message (typically under `when:`).
import type { ModuleDefinition } from './lib/types.js';

export const failModule: ModuleDefinition = {
  name: 'fail',
  controllerOnly: true,
  argsSchema: { type: 'object', properties: { msg: {} }, additionalProperties: false },
  run: async (args) => {
    const msg = args['msg'];
    return { changed: false, failed: true, msg: msg === undefined ? 'Failed as requested from task' : typeof msg === 'string' ? msg : JSON.stringify(msg) };
  },
};
