// Small helpers every host-touching module shares: exec with the task's become/env, argument checks that produce
// Ansible-like messages, and result shaping. Nothing here builds command strings from user values.
import { randomBytes } from 'node:crypto';
import type { ExecOptions, ExecResult } from '../../connection/types.js';
import type { ModuleContext, ModuleResult } from './types.js';

/** Every exec a module makes carries the task's become and environment. */
export function execOptions(ctx: ModuleContext, extra: ExecOptions = {}): ExecOptions {
  const options: ExecOptions = { ...extra, env: ctx.env };
  if (ctx.become) options.become = ctx.become;
  return options;
}

export function exec(ctx: ModuleContext, command: string, extra: ExecOptions = {}): Promise<ExecResult> {
  return ctx.conn.exec(command, execOptions(ctx, extra));
}

/** A user-caused argument problem, reported as the task failing with a message that names module and argument. */
export class ModuleArgError extends Error {
  constructor(module: string, message: string) {
    super(`${module}: ${message}`);
    this.name = 'ModuleArgError';
  }
}

export function requireString(module: string, args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (value === undefined || value === null || value === '') throw new ModuleArgError(module, `'${name}' is required`);
  if (typeof value !== 'string') throw new ModuleArgError(module, `'${name}' must be a string, got ${typeof value}`);
  return value;
}

export function optionalString(module: string, args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new ModuleArgError(module, `'${name}' must be a string, got ${typeof value}`);
  return value;
}

/** Ansible booleans: true/false, yes/no, on/off, 1/0. */
export function optionalBool(module: string, args: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = args[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (['yes', 'true', 'on', '1', 'y'].includes(lower)) return true;
    if (['no', 'false', 'off', '0', 'n'].includes(lower)) return false;
  }
  throw new ModuleArgError(module, `'${name}' must be a boolean, got ${JSON.stringify(value)}`);
}

export function optionalNumber(module: string, args: Record<string, unknown>, name: string, fallback: number): number {
  const value = args[name];
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new ModuleArgError(module, `'${name}' must be a number, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** Turn a thrown ModuleArgError into a failed result; anything else (unreachable, timeout) propagates to the executor. */
export async function failOnArgError(run: () => Promise<ModuleResult>): Promise<ModuleResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ModuleArgError) return { changed: false, failed: true, msg: error.message };
    throw error;
  }
}

/** Ansible strips one trailing newline run from stdout/stderr (strip_empty_ends). */
export function stripTrailingNewlines(text: string): string {
  return text.replace(/\n+$/, '');
}

/** Unique suffix for staging files on the host, so concurrent runs never collide. */
export function tempToken(): string {
  return randomBytes(6).toString('hex');
}

/** Sleep that ends early (rejecting) when the run is cancelled. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('interrupted'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('interrupted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
