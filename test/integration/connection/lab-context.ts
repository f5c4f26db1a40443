// The connection tests' view of the SSH lab: host variables straight from the inventory the lab wrote, loaded by the
// real inventory loader, so the tests see exactly what `airlock run -i inventories/lab-conn.yml` sees.
import { loadInventory } from '../../../src/inventory/load.js';
import type { Vars } from '../../../src/inventory/types.js';
import { ConnectionPool, type ConnectionPoolOptions } from '../../../src/connection/pool.js';
import { ensureLab, type LabInfo } from '../../support/lab.js';

export const LAB_NAME = 'conn';
export const LAB_HOSTS = 50;

export interface LabContext {
  lab: LabInfo;
  vars(host: string): Vars;
  /** a pool that resolves inventory names used as jump hosts, as the executor's does */
  pool(options?: ConnectionPoolOptions): ConnectionPool;
}

let context: Promise<LabContext> | undefined;

export function labContext(): Promise<LabContext> {
  context ??= (async () => {
    const lab = await ensureLab({ name: LAB_NAME, hosts: LAB_HOSTS });
    const inventory = await loadInventory([lab.inventoryPath]);
    const vars = (host: string): Vars => {
      const found = inventory.hosts.get(host);
      if (!found) throw new Error(`lab inventory ${lab.inventoryPath} has no host ${host}`);
      return found.vars;
    };
    const resolveHostVars = (host: string): Vars | undefined => inventory.hosts.get(host)?.vars;
    return {
      lab,
      vars,
      // userKnownHostsFile: never read or write the operator's own ~/.ssh/known_hosts from tests
      pool: (options = {}) => new ConnectionPool({ userKnownHostsFile: '/nonexistent/airlock-test/known_hosts', resolveHostVars, ...options }),
    };
  })();
  return context;
}

