// A whole run: plays of every playbook in order, one host state per inventory host for the run, the exit code
// Ansible operators expect, and the connection pool closed whatever happens.
import { dirname } from 'node:path';
import type { Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/types.js';
import type { HostSummary } from '../types/result.js';
import { ExitCode } from './exit-codes.js';
import type { ExecutorDeps, ExecutorOptions } from './deps.js';
import { newHostState, type HostState } from './host-state.js';
import { runPlay } from './play.js';
import { RunInventory } from './run-inventory.js';
import { groupsVar, type RunScope } from './variables.js';

export interface RunOutcome {
  exitCode: number;
  halted: boolean;
  summaries: Record<string, HostSummary>;
}

export function exitCodeFor(summaries: Record<string, HostSummary>, halted: boolean, interrupted: boolean): number {
  if (interrupted) return ExitCode.interrupted;
  const all = Object.values(summaries);
  if (halted || all.some((summary) => summary.failed > 0 || summary.rolled_back > 0)) return ExitCode.hostFailed;
  if (all.some((summary) => summary.unreachable > 0)) return ExitCode.hostUnreachable;
  return ExitCode.ok;
}

export async function runPlaybooks(playbooks: Playbook[], loaded: Inventory, deps: ExecutorDeps, options: ExecutorOptions): Promise<RunOutcome> {
  // one in-memory inventory for the whole run: what add_host/group_by add stays for the later plays and playbooks
  const inventory = new RunInventory(loaded);
  const hosts = new Map<string, HostState>();
  for (const host of inventory.hosts.values()) hosts.set(host.name, newHostState(host));
  const touched = new Set<string>();
  const emit = deps.emit;
  const tracking: ExecutorDeps = {
    ...deps,
    emit: (event) => {
      if (event.type === 'play_start') event.hosts.forEach((host) => touched.add(host));
      emit(event);
    },
  };
  const startAt = { pending: options.startAtTask };
  const taskRuns = { started: 0 };
  let halted = false;
  emit({ type: 'run_start', playbook: playbooks.map((playbook) => playbook.path).join(', '), runId: options.runId, check: options.check, at: new Date().toISOString() });
  try {
    outer: for (const playbook of playbooks) {
      const run: RunScope = {
        inventory, hosts, extraVars: options.extraVars, playbookDir: dirname(playbook.path), check: options.check, diff: options.diff,
        omit: deps.omit, tags: options.tags, skipTags: options.skipTags, groups: groupsVar(inventory),
      };
      for (const play of playbook.plays) {
        if (options.signal.aborted) break outer;
        const outcome = await runPlay({ deps: tracking, options, run, hosts, startAt, taskRuns }, play);
        if (outcome.rolloutHalted) halted = true;
        if (outcome.halted) break outer;
      }
    }
  } finally {
    await deps.connections.closeAll();
  }
  const summaries: Record<string, HostSummary> = {};
  for (const name of touched) summaries[name] = (hosts.get(name) as HostState).summary;
  const exitCode = exitCodeFor(summaries, halted, options.signal.aborted);
  emit({ type: 'run_end', summaries, exitCode, at: new Date().toISOString() });
  return { exitCode, halted, summaries };
}
