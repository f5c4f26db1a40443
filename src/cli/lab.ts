// `airlock lab up|down|status`: a local enclave of SSH (and LXD) hosts in network namespaces, for trying playbooks
// and for the integration and end-to-end tests.
import type { Command } from 'commander';
import { relative } from 'node:path';
import { ExitCode } from '../executor/exit-codes.js';
import { InputError } from '../util/errors.js';
import { labDown, labStatus, labUp, LabPrerequisiteError, type LabState } from '../lab/index.js';

const DEFAULT_LAB = 'lab';

function parseHostCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InputError(`--hosts must be a whole number, got ${JSON.stringify(value)}`, { file: '--hosts' });
  return Number(value);
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function printLab(state: LabState, seconds: number): void {
  const hosts = state.hosts.filter((h) => h.role === 'host');
  const behind = state.hosts.find((h) => h.role === 'behind_jump');
  const first = hosts[0];
  const lines = [
    `lab ${state.name}: ${hosts.length} host(s)${state.lxd ? ' with LXD' : ''} on ${state.addressing.subnet} in ${seconds.toFixed(2)} s`,
    `  inventory:   ${shown(state.inventoryPath)}`,
    `  private key: ${shown(state.privateKeyPath)}`,
    `  known_hosts: ${shown(state.knownHostsPath)}`,
    `  ssh config:  ${shown(state.sshConfigPath)}`,
    `  state dir:   ${shown(state.stateDir)}`,
  ];
  if (first) lines.push(`  try:         ssh -F ${shown(state.sshConfigPath)} ${first.name} hostname`);
  if (behind && first) lines.push(`  behind jump: ${behind.name} (${behind.ip}), only through ${first.name}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Machine problems (not root, a package missing) are reported plainly, exit 1, no stack trace. */
async function reportingPrerequisites(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof LabPrerequisiteError) {
      process.stderr.write(`airlock lab: ${error.message}\n`);
      process.exitCode = ExitCode.inputError;
      return;
    }
    throw error;
  }
}

export function register(program: Command): void {
  const lab = program.command('lab').description('a local enclave of SSH (and LXD) hosts in network namespaces');

  lab
    .command('up')
    .description('create (or re-create) a lab: N hosts with their own sshd, a jump-only host, inventory and keys')
    .requiredOption('--hosts <n>', 'number of hosts (1-250)', parseHostCount)
    .option('--lxd', 'also start an LXD daemon inside every host', false)
    .option('--name <name>', 'lab name (several labs can run side by side)', DEFAULT_LAB)
    .action(async (opts: { hosts: number; lxd: boolean; name: string }) => {
      await reportingPrerequisites(async () => {
        const started = process.hrtime.bigint();
        const state = await labUp({
          name: opts.name,
          hosts: opts.hosts,
          lxd: opts.lxd,
          log: (line) => process.stderr.write(`airlock lab: ${line}\n`),
        });
        printLab(state, Number(process.hrtime.bigint() - started) / 1e9);
      });
    });

  lab
    .command('down')
    .description('remove everything a lab created: processes, namespaces, links, files')
    .option('--name <name>', 'lab name', DEFAULT_LAB)
    .action(async (opts: { name: string }) => {
      await reportingPrerequisites(async () => {
        const { requireRoot } = await import('../lab/preflight.js');
        requireRoot('airlock lab down');
        const summary = await labDown({ name: opts.name });
        process.stdout.write(
          `lab ${opts.name} down: ${summary.processesKilled} processes, ${summary.netnsRemoved.length} netns, ` +
            `${summary.linksRemoved.length} links removed\n`,
        );
        if (summary.survivors.length > 0) {
          process.stderr.write(`airlock lab: processes that would not die: ${summary.survivors.join(' ')}\n`);
          process.exitCode = ExitCode.hostFailed;
        }
      });
    });

  lab
    .command('status')
    .description('list the hosts of a lab and whether their sshd (and LXD) answer')
    .option('--name <name>', 'lab name', DEFAULT_LAB)
    .option('--json', 'print the status as JSON', false)
    .action(async (opts: { name: string; json: boolean }) => {
      await reportingPrerequisites(async () => {
        const { requireRoot } = await import('../lab/preflight.js');
        requireRoot('airlock lab status');
        const status = await labStatus({ name: opts.name });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ name: status.name, up: status.state !== undefined, hosts: status.hosts }, null, 2)}\n`);
        } else if (status.state === undefined) {
          process.stdout.write(`lab ${opts.name}: not up\n`);
        } else {
          const rows = status.hosts.map((h) => {
            const lxd = h.lxd === undefined ? '' : `  lxd ${h.lxd ? 'up' : 'DOWN'}`;
            const role = h.role === 'behind_jump' ? '  (behind jump)' : '';
            return `  ${h.name.padEnd(16)} ${h.ip.padEnd(15)} sshd ${h.sshd ? 'up' : 'DOWN'}${lxd}${role}`;
          });
          process.stdout.write(`lab ${opts.name} (${status.state.addressing.subnet}):\n${rows.join('\n')}\n`);
        }
        if (status.state === undefined || status.hosts.some((h) => !h.sshd || h.lxd === false)) {
          process.exitCode = ExitCode.hostUnreachable;
        }
      });
    });
}
