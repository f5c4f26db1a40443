// The module tests' view of the SSH lab (lab name "modules"): real sshd hosts in their own network namespaces,
// reached through the connection engineer's pool with the lab's known_hosts, and a ModuleContext builder that plays
// the executor's part (templating with nunjucks, files/ and templates/ lookup in a fixture directory).
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import nunjucks from 'nunjucks';
import { loadInventory } from '../../../src/inventory/load.js';
import { ConnectionPool } from '../../../src/connection/pool.js';
import type { Connection } from '../../../src/connection/types.js';
import type { Vars } from '../../../src/inventory/types.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from '../../../src/modules/lib/types.js';
import { ensureLab, type LabInfo } from '../../support/lab.js';

export const LAB_NAME = 'modules';

export interface ModuleLab {
  lab: LabInfo;
  pool: ConnectionPool;
  /** connection to the lab's first host */
  conn: Connection;
  host: string;
  /** controller-side directory standing in for a role: files/ and templates/ */
  roleDir: string;
  /** a fresh directory on the host (per-host overlay of /srv) for this test run */
  remoteDir: string;
  /** shell on the host, failing the test on a non-zero exit */
  sh(command: string): Promise<string>;
  context(overrides?: Partial<ModuleContext>): ModuleContext;
  run(module: ModuleDefinition, args: Record<string, unknown>, overrides?: Partial<ModuleContext>): Promise<ModuleResult>;
  close(): Promise<void>;
}

const env = new nunjucks.Environment(undefined, { autoescape: false, throwOnUndefined: true });

/** Test stand-in for the executor's evaluator: a Jinja condition rendered to 1/0. */
function evaluate(vars: Vars, expression: string): unknown {
  return env.renderString(`{% if ${expression} %}1{% else %}0{% endif %}`, vars) === '1';
}

export async function moduleLab(): Promise<ModuleLab> {
  const lab = await ensureLab({ name: LAB_NAME, hosts: 2 });
  const inventory = await loadInventory([lab.inventoryPath]);
  const host = lab.hosts[0]?.name;
  if (!host) throw new Error(`lab ${LAB_NAME} has no hosts`);
  const hostVars = inventory.hosts.get(host)?.vars;
  if (!hostVars) throw new Error(`lab inventory ${lab.inventoryPath} has no host ${host}`);
  const pool = new ConnectionPool({ userKnownHostsFile: '/nonexistent/airlock-test/known_hosts', knownHostsFiles: [lab.knownHostsPath] });
  const conn = await pool.get(host, hostVars);
  const roleDir = mkdtempSync(join(tmpdir(), 'airlock-modules-role-'));
  mkdirSync(join(roleDir, 'files'));
  mkdirSync(join(roleDir, 'templates'));
  const remoteDir = `/srv/airlock-modtest-${process.pid}-${Date.now()}`;
  const shOnHost = async (command: string): Promise<string> => {
    const result = await conn.exec(command);
    if (result.rc !== 0) throw new Error(`on ${host}: ${command} -> rc ${result.rc}: ${result.stderr}`);
    return result.stdout;
  };
  await shOnHost(`mkdir -p ${remoteDir}`);
  const context = (overrides: Partial<ModuleContext> = {}): ModuleContext => {
    const vars = overrides.vars ?? {};
    return {
      host,
      conn,
      check: false,
      diff: false,
      vars,
      render: (template) => env.renderString(template, vars),
      findFile: (path, kind) => (isAbsolute(path) ? path : join(roleDir, kind, path)),
      become: undefined,
      env: {},
      signal: new AbortController().signal,
      evaluate: (expression) => evaluate(vars, expression),
      verbosity: 0,
      runId: 'test-run',
      reconnect: async () => conn,
      ...overrides,
    };
  };
  return {
    lab,
    pool,
    conn,
    host,
    roleDir,
    remoteDir,
    sh: shOnHost,
    context,
    run: (module, args, overrides) => module.run(args, context(overrides)),
    close: async () => {
      await conn.exec(`rm -rf ${remoteDir}`);
      await pool.closeAll();
      rmSync(roleDir, { recursive: true, force: true });
    },
  };
}
