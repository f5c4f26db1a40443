// set_fact: new host variables. Returned in data.facts; the executor merges them into the host's variables at
// set_fact precedence (Ansible returns them as ansible_facts, but these are plain variables, not gathered facts).
// A value built from host data arrives marked unsafe (keepsUnsafeArgs) and is stored so: never rendered again.
import type { ModuleDefinition } from './lib/types.js';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const setFactModule: ModuleDefinition = {
  name: 'set_fact',
  controllerOnly: true,
  keepsUnsafeArgs: true,
  argsSchema: {
    type: 'object',
    propertyNames: { pattern: VARIABLE_NAME.source },
    properties: { cacheable: { type: ['boolean', 'string'] } },
    minProperties: 1,
  },
  run: async (args) => {
    const facts: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(args)) {
      if (name === 'cacheable') continue;
      if (!VARIABLE_NAME.test(name)) return { changed: false, failed: true, msg: `set_fact: '${name}' is not a valid variable name` };
      facts[name] = value;
    }
    if (Object.keys(facts).length === 0) return { changed: false, failed: true, msg: 'set_fact: give at least one name: value' };
    return { changed: false, data: { facts } };
  },
};
