// What the executor remembers about one host across the whole run: facts survive from play to play (as in
// Ansible), a host that failed or became unreachable stays out of later plays, notifications wait for the next flush.
import { toUnsafe } from '../util/unsafe.js';
import type { InventoryHost, Vars } from '../inventory/types.js';
import { emptySummary, type HostSummary } from '../types/result.js';

export type HostStatus = 'active' | 'failed' | 'unreachable' | 'ended';

export interface HostState {
  name: string;
  inventoryVars: Vars;
  groups: string[];
  /** gathered facts: `ansible_facts` plus the same facts injected as top-level `ansible_*` variables */
  facts: Vars;
  /** include_vars' variables (their own precedence level, just below set_fact) */
  includedVars: Vars;
  /** set_fact results and registered variables (one precedence level in Ansible) */
  setFacts: Vars;
  status: HostStatus;
  /** handler names / listen topics notified and not yet flushed */
  notified: Set<string>;
  summary: HostSummary;
  /** at least one task reported `changed` on this host in the current play (for rollout_halted) */
  changedInPlay: boolean;
  /** the failure a rescue section is handling: becomes ansible_failed_task / ansible_failed_result */
  lastFailure: { task: string; result: Vars } | undefined;
}

export function newHostState(host: InventoryHost): HostState {
  return {
    name: host.name,
    inventoryVars: host.vars,
    groups: host.groups,
    facts: {},
    includedVars: {},
    setFacts: {},
    status: 'active',
    notified: new Set(),
    summary: emptySummary(),
    changedInPlay: false,
    lastFailure: undefined,
  };
}

export function isRunnable(host: HostState): boolean {
  return host.status === 'active';
}

/**
 * Merge facts returned by `setup` (keys like `ansible_hostname`) the way Ansible stores them. Facts are the host's
 * own words about itself: unsafe data, never rendered as templates.
 */
export function addGatheredFacts(host: HostState, gathered: Vars): void {
  const factsDict: Vars = { ...((host.facts['ansible_facts'] as Vars | undefined) ?? {}) };
  for (const [key, value] of Object.entries(gathered)) {
    const fact = toUnsafe(value);
    host.facts[key] = fact;
    factsDict[key.replace(/^ansible_/, '')] = fact;
  }
  host.facts['ansible_facts'] = toUnsafe(factsDict);
}
