// Before a run starts: every selected host's connection settings as the inventory and -e give them, checked with the
// same function the connection pool uses when it connects. An unsupported option (a ProxyCommand that is not
// `ssh -W %h:%p host`, an unknown ansible_connection, a port out of range) is then an input error, exit 1, before
// any host is touched, instead of a failure in the middle of the run.
import { connectionSettings } from '../connection/settings.js';
import type { Inventory, Vars } from '../inventory/types.js';

const TEMPLATE_MARK = /\{[{%#]/;

/** A value rendered per host at run time cannot be judged now: left to the pool, which checks the rendered one. */
function untemplated(vars: Vars): Vars {
  const out: Vars = {};
  for (const [key, value] of Object.entries(vars)) {
    if (typeof value === 'string' && TEMPLATE_MARK.test(value)) continue;
    if (Array.isArray(value) && value.some((item) => typeof item === 'string' && TEMPLATE_MARK.test(item))) continue;
    out[key] = value;
  }
  return out;
}

/** Throws the first host's InputError ("host web1: ansible_ssh_common_args: ProxyCommand ... is not supported"). */
export function checkConnectionSettings(inventory: Inventory, hosts: readonly string[], extraVars: Vars): void {
  for (const name of hosts) {
    const host = inventory.hosts.get(name);
    if (host === undefined) continue;
    connectionSettings(name, untemplated({ ...host.vars, ...extraVars }));
  }
}
