// A small module registry for loader tests, so they do not depend on which real modules exist yet.
import type { ModuleDefinition } from '../../../src/modules/lib/types.js';
import type { LoadOptions } from '../../../src/playbook/load.js';
import { canonicalModuleName } from '../../../src/modules/lib/registry.js';

const notRun = async (): Promise<never> => {
  throw new Error('loader tests never run modules');
};

const modules: ModuleDefinition[] = [
  {
    name: 'command',
    freeFormArg: 'cmd',
    argsSchema: { type: 'object', properties: { cmd: { type: 'string' }, chdir: { type: 'string' }, creates: { type: 'string' } }, additionalProperties: false },
    run: notRun,
  },
  {
    name: 'copy',
    argsSchema: {
      type: 'object',
      required: ['dest'],
      properties: { src: { type: 'string' }, dest: { type: 'string' }, content: { type: 'string' }, mode: { type: ['string', 'integer'] } },
      additionalProperties: false,
    },
    run: notRun,
  },
  { name: 'debug', argsSchema: { type: 'object', properties: { msg: {}, var: { type: 'string' } }, additionalProperties: false }, controllerOnly: true, run: notRun },
  {
    name: 'service',
    argsSchema: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, state: { enum: ['started', 'stopped', 'restarted', 'reloaded'] } }, additionalProperties: false },
    run: notRun,
  },
  { name: 'set_fact', argsSchema: { type: 'object' }, controllerOnly: true, run: notRun },
];

const byName = new Map(modules.map((m) => [m.name, m]));

export const fakeModules: Pick<LoadOptions, 'findModule' | 'moduleNames'> = {
  findModule: (name) => byName.get(canonicalModuleName(name)),
  moduleNames: () => [...byName.keys()].sort(),
};
