// Modules whose effect the executor applies itself (the run's inventory): add_host and group_by. One list, registered
// next to the core modules, so that their owner (src/executor/inventory-actions.ts) is the only place acting on them.
import { addHostModule } from '../add_host.js';
import { groupByModule } from '../group_by.js';
import type { ModuleDefinition } from './types.js';

export const executorModules: readonly ModuleDefinition[] = [addHostModule, groupByModule];
