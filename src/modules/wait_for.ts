// wait_for: wait for a TCP port (as seen FROM the host) or a path/regexp on the host, with ONE exec: the polling loop
// runs on the host, bounded by its own deadline, so the controller holds one channel instead of polling. TCP checks
// use bash's /dev/tcp (Debian's bash), values passed as positional parameters, never as script text.
import { sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalNumber, optionalString } from './lib/common.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

export type WaitState = 'started' | 'stopped' | 'present' | 'absent' | 'drained';

export interface WaitSpec {
  host: string;
  port?: number;
  path?: string;
  searchRegex?: string;
  state: WaitState;
  timeout: number;
  delay: number;
  sleep: number;
  connectTimeout: number;
}

/** Exit status of the loop when the deadline passed. */
export const WAIT_TIMEOUT_RC = 3;

/** The condition tested on each iteration (exit 0 = reached). */
export function waitCondition(spec: WaitSpec): string {
  const wantPresent = spec.state === 'started' || spec.state === 'present';
  if (spec.port !== undefined) {
    const connect = spec.searchRegex === undefined
      ? sh`timeout ${spec.connectTimeout} bash -c ${'exec 3<>"/dev/tcp/$1/$2"'} _ ${spec.host} ${spec.port} 2>/dev/null`
      : sh`timeout ${spec.connectTimeout} bash -c ${'exec 3<>"/dev/tcp/$1/$2" && timeout 1 cat <&3'} _ ${spec.host} ${spec.port} 2>/dev/null | grep -Eq -- ${spec.searchRegex}`;
    return wantPresent ? connect : `! { ${connect}; }`;
  }
  if (spec.path !== undefined) {
    if (spec.searchRegex !== undefined) {
      const found = sh`grep -Eq -- ${spec.searchRegex} ${spec.path} 2>/dev/null`;
      return wantPresent ? found : `! ${found}`;
    }
    return wantPresent ? sh`[ -e ${spec.path} ]` : sh`[ ! -e ${spec.path} ]`;
  }
  return 'false';
}

/** The whole bounded loop: sleep delay, then test until reached or the deadline passes (exit WAIT_TIMEOUT_RC). */
export function waitForCommand(spec: WaitSpec): string {
  if (spec.port === undefined && spec.path === undefined) return sh`sleep ${spec.delay + spec.timeout}`;
  const delay = spec.delay > 0 ? sh`sleep ${spec.delay}; ` : '';
  return `${delay}${sh`end=$(( $(date +%s) + ${Math.ceil(spec.timeout)} ))`}; while :; do if ${waitCondition(spec)}; then exit 0; fi; ` +
    `if [ "$(date +%s)" -ge "$end" ]; then exit ${WAIT_TIMEOUT_RC}; fi; ${sh`sleep ${spec.sleep}`}; done`;
}

export function parseWaitSpec(args: Record<string, unknown>): WaitSpec {
  const state = (optionalString('wait_for', args, 'state') ?? 'started') as WaitState;
  if (!['started', 'stopped', 'present', 'absent'].includes(state)) throw new ModuleArgError('wait_for', `'state' must be started, stopped, present or absent; got ${state}`);
  const spec: WaitSpec = {
    host: optionalString('wait_for', args, 'host') ?? '127.0.0.1',
    state,
    timeout: optionalNumber('wait_for', args, 'timeout', 300),
    delay: optionalNumber('wait_for', args, 'delay', 0),
    sleep: optionalNumber('wait_for', args, 'sleep', 1),
    connectTimeout: optionalNumber('wait_for', args, 'connect_timeout', 5),
  };
  const port = args['port'];
  if (port !== undefined) {
    const value = optionalNumber('wait_for', args, 'port', 0);
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new ModuleArgError('wait_for', `'port' must be 1-65535, got ${JSON.stringify(port)}`);
    spec.port = value;
  }
  const path = optionalString('wait_for', args, 'path');
  if (path !== undefined) spec.path = path;
  const searchRegex = optionalString('wait_for', args, 'search_regex');
  if (searchRegex !== undefined) spec.searchRegex = searchRegex;
  if (spec.port !== undefined && spec.path !== undefined) throw new ModuleArgError('wait_for', "'port' and 'path' are mutually exclusive");
  if ((state === 'present' || state === 'absent') && spec.port !== undefined) throw new ModuleArgError('wait_for', `state=${state} applies to 'path'; use started/stopped for a port`);
  for (const key of ['timeout', 'delay', 'sleep', 'connectTimeout'] as const) {
    if (spec[key] < 0) throw new ModuleArgError('wait_for', `'${key}' must not be negative`);
  }
  return spec;
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(new Error('wait_for: interrupted'));
    signal.addEventListener('abort', () => reject(new Error('wait_for: interrupted')), { once: true });
  });
}

export const waitForModule: ModuleDefinition = {
  name: 'wait_for',
  argsSchema: {
    type: 'object',
    properties: {
      host: { type: 'string' },
      port: { type: ['integer', 'string'] },
      path: { type: 'string' },
      search_regex: { type: 'string' },
      state: { enum: ['started', 'stopped', 'present', 'absent'] },
      timeout: { type: ['number', 'string'] },
      delay: { type: ['number', 'string'] },
      sleep: { type: ['number', 'string'] },
      connect_timeout: { type: ['number', 'string'] },
      msg: { type: 'string' },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const spec = parseWaitSpec(args);
      const started = Date.now();
      // The host's loop ends by itself at its deadline; the exec timeout is a generous backstop above that.
      const timeoutMs = (spec.delay + spec.timeout + spec.connectTimeout + 30) * 1000;
      const result = await Promise.race([exec(ctx, waitForCommand(spec), { timeoutMs }), rejectOnAbort(ctx.signal)]);
      const elapsed = Math.round((Date.now() - started) / 1000);
      const target = spec.port !== undefined ? `${spec.host}:${spec.port}` : spec.path ?? 'timeout';
      const data = { elapsed, state: spec.state, ...(spec.port !== undefined ? { port: spec.port } : {}), ...(spec.path !== undefined ? { path: spec.path } : {}) };
      if (result.rc === 0) return { changed: false, data } satisfies ModuleResult;
      const custom = optionalString('wait_for', args, 'msg');
      const msg = result.rc === WAIT_TIMEOUT_RC ? custom ?? `Timeout when waiting for ${target}` : `wait_for: the check failed on the host (rc ${result.rc}): ${result.stderr.trim()}`;
      return { changed: false, failed: true, msg, rc: result.rc, data };
    }),
};
