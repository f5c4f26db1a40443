// A task's `loop:` list and its items, for action tasks and includes alike. The list is rendered keeping host data
// unsafe (src/util/unsafe.ts): an item taken from a registered result stays data when it becomes the loop variable.
import type { Vars } from '../inventory/types.js';
import type { Templater } from '../template/index.js';
import { unsafeItemOf } from '../util/unsafe.js';

export function renderLoopList(templater: Pick<Templater, 'renderKeepingUnsafe'>, loop: unknown, vars: Vars): unknown[] {
  const list = templater.renderKeepingUnsafe(loop, vars);
  if (!Array.isArray(list)) throw new Error(`loop must be a list, got ${list === null ? 'null' : typeof list}`);
  return list;
}

/** The loop variable's value for item `index`. */
export const loopItem = unsafeItemOf;
