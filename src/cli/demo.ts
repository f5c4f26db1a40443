// `airlock demo` (what `npm start` runs): the main job on the built-in local lab enclave. Brings up a 3-host lab in
// which every host runs its own LXD, builds and signs the lab MISP bundles (real MISP 2.5.1 from its source archives,
// Debian's MariaDB and Valkey, a misp-modules stand-in; built once, then cached), installs the MISP stack on every
// host with signature checking on, and ends with each host's MISP URL and how to log in. The passwords stay in the
// 0600 credentials files (the demo names them, it does not print secrets).
import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLab } from '../lab/ensure.js';
import { DEFAULT_LAB_CACHE, ensureLabBundles } from '../lab/images/bundles.js';
import type { HostStackStatus } from '../stack/status.js';
import { shippedPlaybook } from '../util/home.js';

interface DemoOptions {
  hosts: string;
  name: string;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('bring up a local 3-host LXD lab and install the MISP stack on every host (needs root)')
    .option('--hosts <n>', 'lab hosts, each with its own LXD', '3')
    .option('--name <lab>', 'lab name', 'lab')
    .action(async (options: DemoOptions) => {
      const say = (line: string): void => {
        process.stdout.write(`airlock demo: ${line}\n`);
      };
      say(`lab '${options.name}' with ${options.hosts} LXD hosts`);
      const lab = await ensureLab({ name: options.name, hosts: Number(options.hosts), lxd: true });
      say(`lab bundles in ${DEFAULT_LAB_CACHE} (built once, then cached)`);
      const { bundles, publicKey } = await ensureLabBundles({ cacheDir: DEFAULT_LAB_CACHE, log: say });
      const cli = fileURLToPath(new URL('./main.js', import.meta.url));
      const run = (args: string[]): number => {
        try {
          execFileSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
          return 0;
        } catch (error) {
          return (error as { status?: number }).status ?? 1;
        }
      };
      say(`installing MISP ${bundles.v1} on every host of group lxd`);
      const extra = JSON.stringify({ misp_bundle: bundles.v1, misp_bundle_trusted_keys: [publicKey], misp_hosts: 'lxd' });
      const code = run(['run', shippedPlaybook('install.yml'), '-i', lab.inventoryPath, '-e', extra]);
      run(['status', '-i', lab.inventoryPath, '-l', 'lxd']);
      say(`next: airlock run ${shippedPlaybook('update.yml')} -i ${lab.inventoryPath} -e '${JSON.stringify({ misp_bundle: bundles.v2, misp_bundle_trusted_keys: [publicKey], misp_hosts: 'lxd' })}'`);
      // the same default as the roles' misp_credentials_dir
      const credentialsDir = process.env['AIRLOCK_CREDENTIALS_DIR'] || join(dirname(dirname(shippedPlaybook('install.yml'))), '.airlock', 'credentials');
      const rows = JSON.parse(execFileSync(process.execPath, [cli, 'status', '-i', lab.inventoryPath, '-l', 'lxd', '--json'], { encoding: 'utf8' })) as HostStackStatus[];
      say(`MISP runs on each host's LXD bridge: reach it from that host, e.g. ssh -F ${lab.sshConfigPath} ${rows[0]?.host ?? '<host>'} curl -k https://<address>/users/login`);
      for (const row of rows) {
        const file = join(credentialsDir, `${row.host}.json`);
        let email = 'admin@admin.test';
        try {
          email = (JSON.parse(readFileSync(file, 'utf8')) as { admin_email?: string }).admin_email ?? email;
        } catch {
          // no credentials file on this workstation: the stack was installed from another one
        }
        const where = row.mispIp ? `https://${row.mispIp}` : `(no MISP: ${row.state}${row.message ? `, ${row.message}` : ''})`;
        say(`${row.host}: MISP ${where}  login ${email}, password: "admin_password" in ${file} (API key: "admin_api_key")`);
      }
      process.exitCode = code;
    });
}
