// The LXD modules, in one list for the registry (lxd_image lives with the bundle code it shares).
import type { ModuleDefinition } from '../types.js';
import { lxdContainerModule } from './container.js';
import { lxdExecModule } from './exec.js';
import { lxdFileModule } from './file.js';
import { lxdNetworkModule } from './network.js';
import { lxdPipeModule } from './pipe.js';
import { lxdProfileModule } from './profile.js';
import { lxdProjectModule } from './project.js';
import { lxdSnapshotModule } from './snapshot.js';
import { lxdStorageModule } from './storage.js';

export const lxdModules: readonly ModuleDefinition[] = [
  lxdContainerModule,
  lxdExecModule,
  lxdFileModule,
  lxdNetworkModule,
  lxdPipeModule,
  lxdProfileModule,
  lxdProjectModule,
  lxdSnapshotModule,
  lxdStorageModule,
];
