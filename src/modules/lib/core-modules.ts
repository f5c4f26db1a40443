// The general-purpose modules (Ansible's builtins that airlock implements), in one list for the registry.
// LXD and bundle modules live in their own files and are registered next to these.
import { assertModule } from '../assert.js';
import { authorizedKeyModule } from '../authorized_key.js';
import { blockinfileModule } from '../blockinfile.js';
import { commandModule } from '../command.js';
import { copyModule } from '../copy.js';
import { debugModule } from '../debug.js';
import { failModule } from '../fail.js';
import { fetchModule } from '../fetch.js';
import { fileModule } from '../file.js';
import { findFilesModule } from '../find.js';
import { groupModule } from '../group.js';
import { hostnameModule } from '../hostname.js';
import { includeVarsModule } from '../include_vars.js';
import { knownHostsModule } from '../known_hosts.js';
import { lineinfileModule } from '../lineinfile.js';
import { metaModule } from '../meta.js';
import { pauseModule } from '../pause.js';
import { pingModule } from '../ping.js';
import { rawModule } from '../raw.js';
import { replaceModule } from '../replace.js';
import { scriptModule } from '../script.js';
import { serviceModule } from '../service.js';
import { setFactModule } from '../set_fact.js';
import { setupModule } from '../setup.js';
import { shellModule } from '../shell.js';
import { slurpModule } from '../slurp.js';
import { statModule } from '../stat.js';
import { sysctlModule } from '../sysctl.js';
import { systemdModule } from '../systemd.js';
import { systemdServiceModule } from '../systemd_service.js';
import { tempfileModule } from '../tempfile.js';
import { templateModule } from '../template.js';
import { userModule } from '../user.js';
import { waitForModule } from '../wait_for.js';
import { waitForConnectionModule } from '../wait_for_connection.js';
import type { ModuleDefinition } from './types.js';

/**
 * Modules from ansible.posix answer to their fully qualified name too (registry.ts strips only ansible.builtin.,
 * ansible.legacy. and airlock.), so that `ansible.posix.authorized_key:` runs the same module.
 */
function posixNames(...modules: ModuleDefinition[]): ModuleDefinition[] {
  return modules.flatMap((module) => [module, { ...module, name: `ansible.posix.${module.name}` }]);
}

export const coreModules: readonly ModuleDefinition[] = [
  assertModule,
  blockinfileModule,
  commandModule,
  copyModule,
  debugModule,
  failModule,
  fetchModule,
  fileModule,
  findFilesModule,
  groupModule,
  hostnameModule,
  includeVarsModule,
  knownHostsModule,
  lineinfileModule,
  metaModule,
  pauseModule,
  pingModule,
  rawModule,
  replaceModule,
  scriptModule,
  serviceModule,
  setFactModule,
  setupModule,
  shellModule,
  slurpModule,
  statModule,
  systemdModule,
  systemdServiceModule,
  tempfileModule,
  templateModule,
  userModule,
  waitForModule,
  waitForConnectionModule,
  ...posixNames(authorizedKeyModule, sysctlModule),
];
