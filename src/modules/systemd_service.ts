// systemd_service: ansible-core 2.14's name for the systemd module (systemd is its alias); the same module.
import { systemdModule } from './systemd.js';
import type { ModuleDefinition } from './lib/types.js';

export const systemdServiceModule: ModuleDefinition = { ...systemdModule, name: 'systemd_service' };
