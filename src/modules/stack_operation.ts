// stack_operation: the intent and lease of an install, update or rollback on one host (format: stack/operation.ts).
//   state: begin   takes the lease (refused, naming the holder, while another live run holds it), writes the intent
//                  and returns the operation a dead or cut-off run left unfinished (`interrupted`), for recovery;
//   state: phase   records the phase reached;
//   state: finish  removes the record: the host is back to "no operation".
// Every write is one command that replaces the record atomically, and only if it is still what this run last wrote
// (operation-commands.ts): a run whose lease was broken learns so at its next phase, and stops.
import { hostname, userInfo } from 'node:os';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalNumber, optionalString, requireString } from './lib/common.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';
import { heldLease, holdLease, releaseLease, updateHeldLease } from './lib/leases.js';
import {
  describeOperation, leaseHeld, OPERATIONS, thisController, operationPath, parseOperation, PHASES,
  type OperationKind, type Phase, type StackOperation,
} from '../stack/operation.js';
import {
  ABSENT, contentHash, parseOperationRead, readOperationCommand, RECORD_CHANGED, removeOperationCommand, writeOperationCommand,
} from '../stack/operation-commands.js';
import { lxdName } from './lib/lxc.js';

const MODULE = 'stack_operation';
export const DEFAULT_LEASE_SECONDS = 300;

function revisionArg(args: Record<string, unknown>, name: string, allowNone: boolean): number | null {
  const value = args[name];
  if (allowNone && (value === undefined || value === null || value === '' || value === 0 || value === '0')) return null;
  const number = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
    throw new ModuleArgError(MODULE, `'${name}' must be a revision number, got ${JSON.stringify(value)}`);
  }
  return number;
}

function serialise(operation: StackOperation): string {
  return `${JSON.stringify(operation)}\n`;
}

/** Another run took the lease over: this run must stop touching the host (and must not "recover" it either). */
class LeaseLostError extends Error {}

async function write(ctx: ModuleContext, path: string, operation: StackOperation, expectedHash: string): Promise<string> {
  const content = serialise(operation);
  const result = await exec(ctx, writeOperationCommand(path, expectedHash), { stdin: content });
  if (result.rc === RECORD_CHANGED) throw new LeaseLostError(`${MODULE}: ${path} changed under this run: another run took the lease over (--break-lease); this run stops here`);
  if (result.rc !== 0) throw new ModuleArgError(MODULE, `could not write ${path} (rc ${result.rc}): ${result.stderr.trim()}`);
  return contentHash(content);
}

async function begin(args: Record<string, unknown>, ctx: ModuleContext, project: string, path: string): Promise<ModuleResult> {
  const operation = requireString(MODULE, args, 'operation');
  if (!(OPERATIONS as readonly string[]).includes(operation)) throw new ModuleArgError(MODULE, `'operation' must be one of ${OPERATIONS.join(', ')}, got '${operation}'`);
  const leaseSeconds = optionalNumber(MODULE, args, 'lease_seconds', DEFAULT_LEASE_SECONDS);
  if (!(leaseSeconds >= 10)) throw new ModuleArgError(MODULE, `'lease_seconds' must be at least 10, got ${leaseSeconds}`);
  const breakLease = optionalBool(MODULE, args, 'break_lease', false);
  const read = await exec(ctx, readOperationCommand(path));
  if (read.rc !== 0) throw new ModuleArgError(MODULE, `could not read ${path} (rc ${read.rc}): ${read.stderr.trim()}`);
  const file = parseOperationRead(read.stdout, `${ctx.host}:${path}`);
  let interrupted: StackOperation | null = null;
  let tookOver: string | null = null;
  const warnings: string[] = [];
  if (file.record) {
    const age = file.nowS - file.record.mtimeS;
    let previous: StackOperation | undefined;
    try {
      previous = parseOperation(file.record.text, `${ctx.host}:${path}`);
    } catch (error) {
      if (!breakLease) throw new ModuleArgError(MODULE, `${(error as Error).message}; inspect it, or take the host over with --break-lease`);
      warnings.push(`${(error as Error).message}; taken over (--break-lease)`);
    }
    if (previous && previous.holder.run_id !== ctx.runId) {
      const held = leaseHeld(previous, age, thisController());
      const line = describeOperation(previous, held, file.nowS * 1000);
      if (held && !breakLease) {
        return {
          changed: false, failed: true,
          msg: `another operation holds ${ctx.host}: ${line}, lease renewed ${age} s ago (expires after ${previous.lease_seconds} s without renewal); wait for it, or take over with --break-lease`,
          data: { holder: previous.holder },
        };
      }
      tookOver = held ? 'lease broken (--break-lease)' : age >= previous.lease_seconds ? `lease expired ${age - previous.lease_seconds} s ago` : 'holder process is gone';
      if (held) warnings.push(`--break-lease: took ${ctx.host} from a live holder: ${line}`);
    }
    // Even an operation still at 'started' may have imported images or created containers: recovery (which only
    // converges the host to its stack record) is cheap, so every unfinished operation is recovered from.
    interrupted = previous ?? null;
  }
  const now = new Date().toISOString();
  const record: StackOperation = {
    format: 1,
    operation: operation as OperationKind,
    project,
    from: revisionArg(args, 'from', true),
    to: revisionArg(args, 'to', false) ?? 1,
    bundle: optionalString(MODULE, args, 'bundle') ?? '',
    holder: { run_id: ctx.runId, controller: hostname(), user: userInfo().username, pid: process.pid },
    started_at: now,
    phase: 'started',
    phases: [{ phase: 'started', at: now }],
    lease_seconds: leaseSeconds,
  };
  if (ctx.check) return { changed: true, data: { interrupted, took_over: tookOver, operation: record }, ...(warnings.length ? { msg: warnings.join('; ') } : {}) };
  const hash = await write(ctx, path, record, file.record?.hash ?? ABSENT);
  holdLease(ctx.host, path, record, hash, ctx.reconnect);
  const result: ModuleResult = { changed: true, data: { interrupted, took_over: tookOver, operation: record, warnings } };
  if (interrupted) result.msg = `${describeOperation(interrupted, false, Date.now())}: recovering first (${tookOver ?? 'same run'})`;
  return result;
}

function leaseOf(ctx: ModuleContext, path: string): NonNullable<ReturnType<typeof heldLease>> {
  const lease = heldLease(ctx.host, path, ctx.runId);
  if (!lease) throw new ModuleArgError(MODULE, `this run holds no lease on ${ctx.host} for ${path} (state: begin first)`);
  return lease;
}

async function advance(args: Record<string, unknown>, ctx: ModuleContext, path: string): Promise<ModuleResult> {
  const phase = requireString(MODULE, args, 'phase');
  if (!(PHASES as readonly string[]).includes(phase)) throw new ModuleArgError(MODULE, `'phase' must be one of ${PHASES.join(', ')}, got '${phase}'`);
  if (ctx.check) return { changed: true };
  const lease = leaseOf(ctx, path);
  const next: StackOperation = { ...lease.operation, phase: phase as Phase, phases: [...lease.operation.phases, { phase: phase as Phase, at: new Date().toISOString() }] };
  const hash = await write(ctx, path, next, lease.hash);
  updateHeldLease(ctx.host, path, next, hash);
  return { changed: true, data: { phase } };
}

async function finish(ctx: ModuleContext, path: string): Promise<ModuleResult> {
  if (ctx.check) return { changed: true };
  const lease = leaseOf(ctx, path);
  const result = await exec(ctx, removeOperationCommand(path, lease.hash));
  if (result.rc === RECORD_CHANGED) throw new LeaseLostError(`${MODULE}: ${path} changed under this run: another run took the lease over (--break-lease)`);
  if (result.rc !== 0) throw new ModuleArgError(MODULE, `could not remove ${path} (rc ${result.rc}): ${result.stderr.trim()}`);
  releaseLease(ctx.host, path, ctx.runId);
  return { changed: true, data: { operation: lease.operation.operation, phase: lease.operation.phase } };
}

export const stackOperationModule: ModuleDefinition = {
  name: MODULE,
  argsSchema: {
    type: 'object',
    required: ['project', 'state'],
    properties: {
      project: { type: 'string' },
      state: { enum: ['begin', 'phase', 'finish'] },
      operation: { type: 'string' },
      from: { type: ['integer', 'string', 'null'] },
      to: { type: ['integer', 'string'] },
      bundle: { type: 'string' },
      phase: { type: 'string' },
      lease_seconds: { type: ['number', 'string'] },
      break_lease: { type: ['boolean', 'string'] },
      path: { type: 'string' },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const project = lxdName(MODULE, 'project', args['project']);
      const path = optionalString(MODULE, args, 'path') ?? operationPath(project);
      if (!path.startsWith('/')) throw new ModuleArgError(MODULE, `'path' must be absolute, got '${path}'`);
      try {
        switch (args['state']) {
          case 'begin': return await begin(args, ctx, project, path);
          case 'phase': return await advance(args, ctx, path);
          default: return await finish(ctx, path);
        }
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
        releaseLease(ctx.host, path, ctx.runId);
        // `lease_lost` tells the role's rescue not to undo anything: the host belongs to the other run now.
        return { changed: false, failed: true, msg: error.message, data: { lease_lost: true } };
      }
    }),
};
