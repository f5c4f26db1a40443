// The general-purpose modules (Ansible's builtins that airlock implements), in one list for the registry.
// LXD and bundle modules live in their own files and are registered next to these.
import { assertModule } from '../assert.js';
import { commandModule } from '../command.js';
import { copyModule } from '../copy.js';
import { debugModule } from '../debug.js';
import { failModule } from '../fail.js';
import { fetchModule } from '../fetch.js';
import { fileModule } from '../file.js';
import { lineinfileModule } from '../lineinfile.js';
import { metaModule } from '../meta.js';
import { pauseModule } from '../pause.js';
import { rawModule } from '../raw.js';
import { scriptModule } from '../script.js';
import { setFactModule } from '../set_fact.js';
import { setupModule } from '../setup.js';
import { shellModule } from '../shell.js';
import { statModule } from '../stat.js';
import { templateModule } from '../template.js';
import { waitForModule } from '../wait_for.js';
import type { ModuleDefinition } from './types.js';

export const coreModules: readonly ModuleDefinition[] = [
  assertModule,
  commandModule,
  copyModule,
  debugModule,
  failModule,
  fetchModule,
  fileModule,
  lineinfileModule,
  metaModule,
  pauseModule,
  rawModule,
  scriptModule,
  setFactModule,
  setupModule,
  shellModule,
  statModule,
  templateModule,
  waitForModule,
];
