// lxd_network: the stack's managed bridge. Containers find each other as <name>.lxd through its dnsmasq.
// In an enclave a bridge must never NAT to the outside: ipv4.nat defaults to "false" here unless set explicitly.
import { ModuleArgError } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';
import { configMap, lxc } from './lib/lxc.js';
import { runConfigObject, type ConfigObjectKind } from './lib/lxd-config-object.js';
import { lxdModuleResult } from './lib/lxd-result.js';

export const networkKind: ConfigObjectKind = {
  module: 'lxd_network',
  apiPath: (name) => `/1.0/networks/${name}`,
  createCommand: (name, config) => lxc(['network', 'create', name, ...Object.entries(config).map(([k, v]) => `${k}=${v}`)]),
  setCommand: (name, key, value) => lxc(['network', 'set', name, key, value]),
  deleteCommand: (name) => lxc(['network', 'delete', name]),
};

export const lxdNetworkModule: ModuleDefinition = {
  name: 'lxd_network',
  argsSchema: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string', maxLength: 15 }, state: { enum: ['present', 'absent'] }, config: { type: 'object' } },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    lxdModuleResult(() => {
      const config: Record<string, string> = { 'ipv4.nat': 'false', 'ipv6.address': 'none', ...configMap('lxd_network', args['config']) };
      // LXD's default ipv4.address is "auto", which probes address ranges for a free subnet: never in an enclave.
      if (args['state'] !== 'absent' && (!config['ipv4.address'] || config['ipv4.address'] === 'auto')) {
        throw new ModuleArgError('lxd_network', "'config.ipv4.address' must be set explicitly (e.g. 10.99.0.1/24): 'auto' makes LXD probe address ranges");
      }
      return runConfigObject(networkKind, { ...args, config }, ctx);
    }),
};
