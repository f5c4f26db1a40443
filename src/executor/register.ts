// The value `register:` stores, in Ansible's shape, so that playbooks written for Ansible read it the same way:
// changed, failed, msg, rc, stdout(_lines), stderr(_lines), skipped, attempts, module data, and `results` for loops.
import type { Vars } from '../inventory/types.js';
import type { TaskDiff } from '../types/result.js';

/** One module invocation's outcome (one loop item, or the whole task without a loop). */
export interface ItemOutcome {
  changed: boolean;
  failed: boolean;
  skipped: boolean;
  /** set when the host could not be reached: the message */
  unreachable?: string;
  msg?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  diff?: TaskDiff[];
  warnings?: string[];
  data?: Record<string, unknown>;
  attempts?: number;
  skipReason?: string;
  falseCondition?: string;
  /** the host delegate_to named for this item (rendered), where delegate_facts sends the facts it set */
  delegatedTo?: string;
}

function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

export function registeredItem(outcome: ItemOutcome): Vars {
  const shape: Vars = { ...(outcome.data ?? {}), changed: outcome.changed, failed: outcome.failed };
  if (outcome.skipped) {
    shape['skipped'] = true;
    if (outcome.skipReason) shape['skip_reason'] = outcome.skipReason;
    if (outcome.falseCondition) shape['false_condition'] = outcome.falseCondition;
  }
  if (outcome.unreachable !== undefined) shape['unreachable'] = true;
  if (outcome.msg !== undefined) shape['msg'] = outcome.msg;
  if (outcome.rc !== undefined) shape['rc'] = outcome.rc;
  if (outcome.stdout !== undefined) {
    shape['stdout'] = outcome.stdout;
    shape['stdout_lines'] = lines(outcome.stdout);
  }
  if (outcome.stderr !== undefined) {
    shape['stderr'] = outcome.stderr;
    shape['stderr_lines'] = lines(outcome.stderr);
  }
  if (outcome.diff !== undefined) shape['diff'] = outcome.diff;
  if (outcome.warnings !== undefined && outcome.warnings.length > 0) shape['warnings'] = outcome.warnings;
  if (outcome.attempts !== undefined) shape['attempts'] = outcome.attempts;
  return shape;
}

export interface LoopItemShape {
  item: unknown;
  loopVar: string;
  index: number;
  indexVar: string | undefined;
  outcome: ItemOutcome;
}

/** A looped task: Ansible's `results` list plus the aggregate flags. */
export function registeredLoop(items: LoopItemShape[]): Vars {
  const results = items.map(({ item, loopVar, index, indexVar, outcome }) => {
    const shape: Vars = { ...registeredItem(outcome), item, ansible_loop_var: loopVar };
    if (indexVar) Object.assign(shape, { [indexVar]: index, ansible_index_var: indexVar });
    return shape;
  });
  const failed = items.some(({ outcome }) => outcome.failed || outcome.unreachable !== undefined);
  const shape: Vars = {
    changed: items.some(({ outcome }) => outcome.changed),
    failed,
    msg: failed ? 'One or more items failed' : 'All items completed',
    results,
  };
  if (items.length === 0 || items.every(({ outcome }) => outcome.skipped)) {
    shape['skipped'] = true;
    shape['skipped_reason'] = items.length === 0 ? 'No items in the list' : 'All items skipped';
  }
  return shape;
}
