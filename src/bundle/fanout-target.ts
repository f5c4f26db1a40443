// How a fan-out relay reaches a receiver: the inventory's own connection variables, as the controller reads them.
// A host behind a jump host is served by the workstation through its jump (the relays may not see it at all).
import { connectionSettings } from '../connection/settings.js';
import type { Vars } from '../types/vars.js';
import type { FanOutTarget } from './fanout.js';

export function fanOutTarget(host: string, vars: Vars): FanOutTarget {
  const settings = connectionSettings(host, vars);
  return {
    address: settings.address,
    port: settings.port,
    user: settings.user,
    direct: settings.jumps.length > 0 || settings.transport === 'local',
  };
}
