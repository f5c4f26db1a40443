// Rollout batching math (issue 4): host order, `serial:` batch sizes, `--canary`, and when a failed batch halts the
// rollout. Pure functions, no I/O, so that every rule below is pinned by table tests.
//
// Two Ansible bugs we deliberately do NOT repeat (both confirmed in the ansible/ansible tracker):
// - ansible PR #32362 ("calculate current batch", fixing #32255): the failure percentage was computed against the hosts
//   still *active* in the batch, so the percentage grew as hosts failed and one failure could abort a play whose
//   max_fail_percentage should have tolerated it. Here the denominator is always the batch's size as planned.
// - ansible#82267 (follow-up of #76915): a batch in which EVERY host failed stopped the whole play even with
//   max_fail_percentage: 100 (or 101). Here an explicit max_fail_percentage is the only rule: 100 % failed is not
//   strictly greater than 100, so the rollout goes on.
import type { HostOrder, SerialSpec } from '../playbook/types.js';
import { InputError } from '../util/errors.js';

/** Order the play's hosts as `order:` asks, then move the canary-group hosts to the front (keeping that order). */
export function orderHosts(hosts: string[], order: HostOrder, canaryHosts: string[] = [], seed?: number): string[] {
  let ordered: string[];
  switch (order) {
    case 'inventory':
      ordered = [...hosts];
      break;
    case 'reverse_inventory':
      ordered = [...hosts].reverse();
      break;
    case 'sorted':
      ordered = [...hosts].sort(compareNames);
      break;
    case 'reverse_sorted':
      ordered = [...hosts].sort(compareNames).reverse();
      break;
    case 'shuffle':
      ordered = shuffle(hosts, seed === undefined ? Math.random : seededRandom(seed));
      break;
  }
  const canaries = new Set(canaryHosts);
  return [...ordered.filter((h) => canaries.has(h)), ...ordered.filter((h) => !canaries.has(h))];
}

// Code-point order, like Python's sorted() that Ansible uses: locale-independent, so a plan is the same everywhere.
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function shuffle(hosts: string[], random: () => number): string[] {
  const out = [...hosts];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

/** mulberry32: a tiny deterministic PRNG so that `order: shuffle` can be replayed with the same seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One `serial:` value as a host count. "NN%" is NN percent of the play's host count, rounded down, at least 1 (Ansible's
 * pct_to_int). Computed in integers: Ansible's float `int(29/100.0 * 100)` gives 28; we give 29.
 * Returns 0 for "no limit" (serial: 0), which means the whole rest of the hosts.
 */
export function serialValueToCount(value: number | string, playHostCount: number): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new InputError(`serial: ${value} is not a whole number of hosts >= 0`);
    return value;
  }
  const text = value.trim();
  const pct = /^(\d+)\s*%$/.exec(text);
  if (pct) {
    const percent = Number(pct[1]);
    return Math.max(1, Math.floor((percent * playHostCount) / 100));
  }
  if (/^\d+$/.test(text)) return Number(text);
  throw new InputError(`serial: "${value}" is neither a whole number nor a percentage like "25%"`);
}

/**
 * Batch sizes for `hostCount` hosts. `serial` values are used in turn, the last one repeating until every host is
 * covered; the last batch holds what is left. `canary` (the --canary option) prepends a batch of that many hosts;
 * percentages stay relative to the play's whole host count, so `--canary` does not change later batch sizes.
 */
export function batchSizes(hostCount: number, serial: SerialSpec | undefined, canary?: number): number[] {
  if (hostCount <= 0) return [];
  const sizes: number[] = [];
  let remaining = hostCount;
  if (canary !== undefined && canary > 0) {
    const first = Math.min(canary, remaining);
    sizes.push(first);
    remaining -= first;
  }
  const values = serial === undefined || serial.length === 0 ? [0] : serial;
  let index = 0;
  while (remaining > 0) {
    const value = values[Math.min(index, values.length - 1)] as number | string;
    const count = serialValueToCount(value, hostCount);
    const size = count <= 0 ? remaining : Math.min(count, remaining);
    sizes.push(size);
    remaining -= size;
    index++;
  }
  return sizes;
}

/** Split the (already ordered) hosts into batches. */
export function planBatches(hosts: string[], serial: SerialSpec | undefined, canary?: number): string[][] {
  const batches: string[][] = [];
  let start = 0;
  for (const size of batchSizes(hosts.length, serial, canary)) {
    batches.push(hosts.slice(start, start + size));
    start += size;
  }
  return batches;
}

export interface HaltInput {
  /** hosts the batch started with: the denominator never shrinks as hosts fail (ansible PR #32362) */
  batchSize: number;
  failed: number;
  unreachable: number;
  maxFailPercentage: number | undefined;
  anyErrorsFatal: boolean;
}

export interface HaltDecision {
  halt: boolean;
  reason?: string;
}

/** Whether a finished batch stops the rollout (no later batch starts). */
export function shouldHalt(input: HaltInput): HaltDecision {
  const { batchSize, failed, unreachable, maxFailPercentage, anyErrorsFatal } = input;
  const bad = failed + unreachable;
  if (bad === 0 || batchSize <= 0) return { halt: false };
  const detail = `${describeCount(failed, 'failed')}, ${describeCount(unreachable, 'unreachable')} of ${batchSize}`;
  if (anyErrorsFatal) return { halt: true, reason: `any_errors_fatal: ${detail}` };
  if (maxFailPercentage !== undefined) {
    const percent = (bad / batchSize) * 100;
    // Strictly greater, as Ansible documents; a fully failed batch with 100 goes on (not ansible#82267).
    if (percent > maxFailPercentage) {
      return { halt: true, reason: `${formatPercent(percent)} of the batch failed (${detail}), more than max_fail_percentage ${maxFailPercentage}%` };
    }
    return { halt: false };
  }
  // Ansible's default without max_fail_percentage: the play stops only when no host of the batch is left.
  if (bad >= batchSize) return { halt: true, reason: `every host of the batch failed (${detail})` };
  return { halt: false };
}

function describeCount(n: number, what: string): string {
  return `${n} ${what}`;
}

function formatPercent(percent: number): string {
  return Number.isInteger(percent) ? `${percent}%` : `${percent.toFixed(1)}%`;
}
