// Modules that make HTTP requests from the host, with its own tools (curl): uri. Registered next to the core modules.
import { uriModule } from '../uri.js';
import type { ModuleDefinition } from './types.js';

export const httpModules: readonly ModuleDefinition[] = [uriModule];
