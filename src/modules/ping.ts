// ping: proves that the host answers a command (with the task's become), as Ansible's ping proves a module runs.
// Returns {ping: data}; data 'crash' fails, as Ansible's raises on it.
import { exec, failOnArgError, optionalString } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';

export const PING_COMMAND = 'true';

export const pingModule: ModuleDefinition = {
  name: 'ping',
  argsSchema: { type: 'object', properties: { data: { type: 'string' } }, additionalProperties: false },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const data = optionalString('ping', args, 'data') ?? 'pong';
      const result = await exec(ctx, PING_COMMAND);
      if (result.rc !== 0) return { changed: false, failed: true, rc: result.rc, msg: `ping: the host could not run a command (rc ${result.rc}): ${result.stderr.trim()}` };
      if (data === 'crash') return { changed: false, failed: true, msg: 'boom' };
      return { changed: false, data: { ping: data } };
    }),
};
