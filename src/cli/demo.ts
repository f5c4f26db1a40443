// `airlock demo` (what `npm start` runs): the main job on the built-in local lab enclave. Brings up a 3-host lab in
// which every host runs its own LXD, builds and signs the lab MISP bundles (test doubles of the real images; cached),
// installs the MISP stack on every host with signature checking on, and prints each host's result and status.
import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureLab } from '../lab/ensure.js';
import { DEFAULT_LAB_CACHE, ensureLabBundles } from '../lab/images/bundles.js';
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
      process.exitCode = code;
    });
}
