// Modules that belong with the executor's own features: add_host and group_by (whose effect on the run's inventory
// src/executor/inventory-actions.ts applies) and async_status (async jobs, src/executor/async-task.ts). One list,
// registered next to the core modules.
import { addHostModule } from '../add_host.js';
import { asyncStatusModule } from '../async_status.js';
import { groupByModule } from '../group_by.js';
import type { ModuleDefinition } from './types.js';

export const executorModules: readonly ModuleDefinition[] = [addHostModule, asyncStatusModule, groupByModule];
