// The LXD modules and the stack's operation modules, in one list for the registry (lxd_image lives with the bundle
// code it shares).
import type { ModuleDefinition } from './types.js';
import { lxdContainerModule } from '../lxd_container.js';
import { lxdExecModule } from '../lxd_exec.js';
import { lxdFileModule } from '../lxd_file.js';
import { lxdNetworkModule } from '../lxd_network.js';
import { lxdPipeModule } from '../lxd_pipe.js';
import { lxdProfileModule } from '../lxd_profile.js';
import { lxdProjectModule } from '../lxd_project.js';
import { lxdSnapshotModule } from '../lxd_snapshot.js';
import { lxdStorageModule } from '../lxd_storage.js';
import { stackOperationModule } from '../stack_operation.js';
import { stackRecoverModule } from '../stack_recover.js';

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
  stackOperationModule,
  stackRecoverModule,
];
