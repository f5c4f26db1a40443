// lxd_project: one LXD project per MISP stack keeps its images, profiles and instances apart from anything else.
import type { ModuleDefinition } from './lib/types.js';
import { lxc } from './lib/lxc.js';
import { runConfigObject, type ConfigObjectKind } from './lib/lxd-config-object.js';
import { lxdModuleResult } from './lib/lxd-result.js';

export const projectKind: ConfigObjectKind = {
  module: 'lxd_project',
  apiPath: (name) => `/1.0/projects/${name}`,
  createCommand: (name, config) => lxc(['project', 'create', name, ...Object.entries(config).flatMap(([k, v]) => ['-c', `${k}=${v}`])]),
  setCommand: (name, key, value) => lxc(['project', 'set', name, key, value]),
  deleteCommand: (name) => lxc(['project', 'delete', name]),
};

export const lxdProjectModule: ModuleDefinition = {
  name: 'lxd_project',
  argsSchema: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, state: { enum: ['present', 'absent'] }, config: { type: 'object' } },
    additionalProperties: false,
  },
  run: (args, ctx) => lxdModuleResult(() => runConfigObject(projectKind, args, ctx)),
};
