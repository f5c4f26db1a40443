// wait_for_connection: until the host answers a command again (after a reboot, a network change), within `timeout`:
// each try takes the pool's current connection (a fresh one once the old link died, ctx.reconnect) and runs the
// ping command; failures are retried every `sleep` seconds. As Ansible's action: skipped under --check, `elapsed`
// in whole seconds, "timed out waiting for ping module test: <last error>" on timeout.
import { abortableSleep, execOptions, failOnArgError, ModuleArgError, optionalNumber } from './lib/common.js';
import { PING_COMMAND } from './ping.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';

export interface ConnectionWait {
  connectTimeout: number;
  delay: number;
  sleep: number;
  timeout: number;
}

export function parseConnectionWait(args: Record<string, unknown>): ConnectionWait {
  const wait: ConnectionWait = {
    connectTimeout: optionalNumber('wait_for_connection', args, 'connect_timeout', 5),
    delay: optionalNumber('wait_for_connection', args, 'delay', 0),
    sleep: optionalNumber('wait_for_connection', args, 'sleep', 1),
    timeout: optionalNumber('wait_for_connection', args, 'timeout', 600),
  };
  for (const [name, value] of Object.entries(wait)) if (value < 0) throw new ModuleArgError('wait_for_connection', `'${name}' may not be negative`);
  return wait;
}

/** One try: the connection as the pool has it now, and the ping command within connect_timeout. */
async function tryOnce(ctx: ModuleContext, wait: ConnectionWait): Promise<void> {
  const conn = await ctx.reconnect();
  const result = await conn.exec(PING_COMMAND, execOptions(ctx, { timeoutMs: Math.max(1, wait.connectTimeout) * 1000 }));
  if (result.rc !== 0) throw new Error(`ping test failed (rc ${result.rc}): ${result.stderr.trim()}`);
}

export const waitForConnectionModule: ModuleDefinition = {
  name: 'wait_for_connection',
  argsSchema: {
    type: 'object',
    properties: {
      connect_timeout: { type: ['integer', 'string'] },
      delay: { type: ['integer', 'string'] },
      sleep: { type: ['integer', 'string'] },
      timeout: { type: ['integer', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const wait = parseConnectionWait(args);
      if (ctx.check) return { changed: false, skipped: true };
      const start = Date.now();
      if (wait.delay > 0) await abortableSleep(wait.delay * 1000, ctx.signal);
      const deadline = Date.now() + wait.timeout * 1000;
      let lastError = 'no attempt made';
      while (Date.now() < deadline) {
        try {
          await tryOnce(ctx, wait);
          return { changed: false, data: { elapsed: Math.floor((Date.now() - start) / 1000) } };
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          lastError = error instanceof Error ? error.message : String(error);
        }
        await abortableSleep(wait.sleep * 1000, ctx.signal);
      }
      return { changed: false, failed: true, msg: `timed out waiting for ping module test: ${lastError}`, data: { elapsed: Math.floor((Date.now() - start) / 1000) } };
    }),
};
