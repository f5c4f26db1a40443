// lxd_storage: a storage pool (global in LXD, not per project). Its driver and source are fixed at creation.
import { optionalString } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';
import { lxc } from './lib/lxc.js';
import { runConfigObject, type ConfigObjectKind } from './lib/lxd-config-object.js';
import { lxdModuleResult } from './lib/lxd-result.js';

export const storageKind: ConfigObjectKind = {
  module: 'lxd_storage',
  apiPath: (name) => `/1.0/storage-pools/${name}`,
  createCommand: (name, config, args) =>
    lxc(['storage', 'create', name, optionalString('lxd_storage', args, 'driver') ?? 'dir', ...Object.entries(config).map(([k, v]) => `${k}=${v}`)]),
  setCommand: (name, key, value) => lxc(['storage', 'set', name, key, value]),
  deleteCommand: (name) => lxc(['storage', 'delete', name]),
  immutableKeys: ['source'],
};

export const lxdStorageModule: ModuleDefinition = {
  name: 'lxd_storage',
  argsSchema: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      state: { enum: ['present', 'absent'] },
      driver: { enum: ['dir', 'zfs', 'btrfs', 'lvm'] },
      config: { type: 'object' },
    },
    additionalProperties: false,
  },
  run: (args, ctx) => lxdModuleResult(() => runConfigObject(storageKind, args, ctx)),
};
