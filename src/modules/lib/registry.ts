// Every module airlock knows, by canonical name. The playbook loader validates task module names and arguments
// against this list; the executor looks modules up here. `ansible.builtin.x` and `airlock.x` map to `x`.
import type { ModuleDefinition } from './types.js';
import { coreModules } from './core-modules.js';
import { executorModules } from './executor-modules.js';
import { httpModules } from './http-modules.js';
import { lxdModules } from './lxd-modules.js';
import { bundlePushModule } from '../bundle_push.js';
import { lxdImageModule } from '../lxd_image.js';
import { credentialsModule } from '../credentials.js';
import { rolledBackModule } from '../rolled_back.js';

const definitions: ModuleDefinition[] = [...coreModules, ...executorModules, ...httpModules, ...lxdModules, bundlePushModule, lxdImageModule, credentialsModule, rolledBackModule];

const byName = new Map<string, ModuleDefinition>(definitions.map((definition) => [definition.name, definition]));

/** Strip the collection prefixes operators write out of habit. */
export function canonicalModuleName(name: string): string {
  return name.replace(/^(ansible\.builtin|ansible\.legacy|airlock)\./, '');
}

export function findModule(name: string): ModuleDefinition | undefined {
  return byName.get(canonicalModuleName(name));
}

export function moduleNames(): string[] {
  return [...byName.keys()].sort();
}
