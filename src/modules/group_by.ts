// group_by: puts the current host into a group named by `key` (created as needed, under `parents`, default 'all').
// Like Ansible's action plugin it only describes the change ({add_group, parent_groups}); the executor applies it to
// the run's inventory (src/executor/inventory-actions.ts) and decides `changed` there.
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

/** Ansible turns spaces in group names into dashes. */
function groupName(value: unknown): string {
  return String(value).replace(/ /g, '-');
}

export const groupByModule: ModuleDefinition = {
  name: 'group_by',
  controllerOnly: true,
  argsSchema: {
    type: 'object',
    properties: { key: { type: ['string', 'number'] }, parents: { type: ['string', 'array'], items: { type: ['string', 'number'] } } },
    additionalProperties: false,
  },
  run: async (args): Promise<ModuleResult> => {
    // Ansible's own message, unprefixed, so that the output reads the same
    if (args['key'] === undefined || args['key'] === null) return { changed: false, failed: true, msg: "the 'key' param is required when using group_by" };
    const parents: unknown[] = args['parents'] === undefined ? ['all'] : Array.isArray(args['parents']) ? args['parents'] : [args['parents']];
    return { changed: false, data: { add_group: groupName(args['key']), parent_groups: parents.map(groupName) } };
  },
};
