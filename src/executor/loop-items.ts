// A task's `loop:` list and its items, for action tasks and includes alike. The list is rendered keeping host data
// unsafe (src/util/unsafe.ts): an item taken from a registered result stays data when it becomes the loop variable.
import { splitHostPattern } from '../inventory/pattern.js';
import type { Vars } from '../inventory/types.js';
import type { TaskCommon } from '../playbook/types.js';
import type { Templater } from '../template/index.js';
import { plainData, unsafeItemOf } from '../util/unsafe.js';

/** A task's loop: `loop:`/`with_items:`'s list or template, or the terms of its `with_<lookup>`. */
export type LoopSource = Pick<TaskCommon, 'loop' | 'loopLookup'>;

/**
 * `selectHosts` answers with_inventory_hostnames from the run's inventory (add_host/group_by included, --limit not
 * applied), as Ansible's lookup reads the `groups` of the moment.
 */
export function renderLoopList(templater: Pick<Templater, 'renderKeepingUnsafe' | 'queryLoop'>, task: LoopSource, vars: Vars, selectHosts?: (pattern: string) => string[]): unknown[] {
  let list: unknown;
  if (task.loopLookup?.replace(/^ansible\.builtin\./, '') === 'inventory_hostnames' && selectHosts !== undefined) {
    const terms = plainData(templater.renderKeepingUnsafe(task.loop, vars));
    const patterns = (Array.isArray(terms) ? terms : [terms]).flat().map(String);
    // one pattern, as Ansible's get_hosts(pattern=terms) reads the list: `[web, 'all:!web']` excludes web overall
    list = selectHosts(patterns.flatMap((pattern) => splitHostPattern(pattern)).join(','));
  } else {
    list = task.loopLookup === undefined ? templater.renderKeepingUnsafe(task.loop, vars) : templater.queryLoop(task.loopLookup, task.loop, vars);
  }
  if (!Array.isArray(list)) throw new Error(`loop must be a list, got ${list === null ? 'null' : typeof list}`);
  return list;
}

/** The loop variable's value for item `index`. */
export const loopItem = unsafeItemOf;
