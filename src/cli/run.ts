// `airlock run PLAYBOOK... -i INV`: load and validate everything first (a bad playbook, inventory or extra var
// exits 1 before any host is touched), then run the plays and exit with Ansible's codes: 0 ok, 2 a host failed or
// the rollout halted, 4 a host was unreachable and none failed, 130 interrupted.
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { loadInventory } from '../inventory/load.js';
import { parseExtraVars } from '../parsing/extra-vars.js';
import type { Inventory } from '../inventory/types.js';
import { DEFAULT_FORKS, type ExecutorOptions } from '../executor/deps.js';
import { runPlaybooks } from '../executor/run.js';
import { loadPlaybooks, realDeps } from '../executor/wiring.js';
import { describePlaybooks } from '../executor/listing.js';
import type { Playbook } from '../playbook/types.js';
import { createReporters } from '../report/create.js';
import { DEFAULT_RUNS_DIR, lastFailedHosts, newRunId } from '../report/journal.js';
import { Redactor } from '../report/redact.js';
import { InputError } from '../util/errors.js';
import { onVaultPlaintext } from '../vault/session.js';
import { ExitCode } from '../executor/exit-codes.js';
import { decryptVarsFilesEarly } from './vault-preflight.js';
import { applyRunConfig, givenOnCommandLine, type RunSettings } from './run-settings.js';
import { addVaultOptions, airlockConfig, setUpVault, type VaultCliOptions } from './settings.js';
import { checkConnectionSettings } from './connection-preflight.js';
import { allTasks, hasDynamicIncludes, matchesStartAt } from '../playbook/task-refs.js';
import { stopHeartbeats, unfinishedOperations } from '../modules/lib/leases.js';
import { quote } from '../util/shell.js';

export interface RunCliOptions extends Partial<VaultCliOptions> {
  inventory: string[];
  limit?: string;
  extraVars: string[];
  tags: string[];
  skipTags: string[];
  check: boolean;
  diff: boolean;
  forks: number;
  verbose: number;
  startAtTask?: string;
  syntaxCheck: boolean;
  listHosts: boolean;
  listTasks: boolean;
  listTags: boolean;
  json?: string;
  junit?: string;
  output: 'auto' | 'plain' | 'live';
  acceptNewHostKeys: boolean;
  knownHosts: string[];
  connectTimeout?: number;
  commandTimeout?: number;
  forceHandlers: boolean;
  rerun?: string;
  canary?: number;
  confirmBatches: boolean;
  /** take over hosts whose operation lease another run holds (stack_operation) */
  breakLease?: boolean;
  /** what ansible.cfg / ANSIBLE_* add (the CLI fills it in; tests may leave it out) */
  settings?: RunSettings;
}

const DEFAULT_LAB_INVENTORY = 'inventories/lab.yml';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const commaList = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((tag) => tag.trim()).filter(Boolean)];

function positiveInt(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new InputError(`${name} must be a positive integer, got '${value}'`);
    return parsed;
  };
}

function seconds(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new InputError(`${name} must be a number of seconds > 0, got '${value}'`);
    return parsed;
  };
}

function inventorySources(given: string[]): string[] {
  if (given.length > 0) return given;
  if (existsSync(DEFAULT_LAB_INVENTORY)) {
    process.stderr.write(`airlock: no -i given, using ${DEFAULT_LAB_INVENTORY}\n`);
    return [DEFAULT_LAB_INVENTORY];
  }
  throw new InputError(`no inventory: pass -i FILE (repeatable), or bring up the lab (airlock lab up) to get ${DEFAULT_LAB_INVENTORY}`);
}

/** --limit / --rerun failed to host names; an empty result is an error, never "run nowhere" silently. */
async function limitHosts(inventory: Inventory, options: RunCliOptions, playbookPath: string): Promise<string[] | undefined> {
  let limit: string[] | undefined;
  if (options.limit !== undefined) {
    limit = inventory.select(options.limit);
    if (limit.length === 0) throw new InputError(`--limit '${options.limit}' matches no host of the inventory`);
  }
  if (options.rerun !== undefined) {
    if (options.rerun !== 'failed') throw new InputError(`--rerun accepts only 'failed', got '${options.rerun}'`);
    const failed = await lastFailedHosts(playbookPath, DEFAULT_RUNS_DIR);
    if (failed.length === 0) throw new InputError(`--rerun failed: the last run of ${playbookPath} has no failed or unreachable host (or there is no earlier run)`);
    const known = failed.filter((host) => inventory.hosts.has(host));
    limit = limit === undefined ? known : limit.filter((host) => known.includes(host));
    if (limit.length === 0) throw new InputError('--rerun failed: none of the last run\'s failed hosts is in this inventory (or within --limit)');
  }
  return limit;
}

async function confirmBatch(next: { play: string; index: number; total: number; hosts: string[] }): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`\n[${next.play}] start batch ${next.index}/${next.total} (${next.hosts.length} hosts: ${next.hosts.slice(0, 5).join(', ')}${next.hosts.length > 5 ? ', ...' : ''})? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/**
 * Ansible prints 'No matching task "x" found' after running nothing and exits 0; a typo there silently skips a
 * whole rollout, so airlock refuses it before anything runs. Tasks of dynamic includes are only known at run time:
 * with such an include in the playbooks the name may still match there, and the run goes ahead.
 */
function checkStartAtTask(pattern: string, playbooks: readonly Playbook[]): void {
  // handlers are never a starting point (the executor only starts at tasks)
  const tasks = playbooks.flatMap((playbook) => playbook.plays.flatMap((play) => [...allTasks([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.batchGate])]));
  if (tasks.some((task) => task.kind === 'action' && matchesStartAt(pattern, task.name))) return;
  if (hasDynamicIncludes(tasks)) return;
  throw new InputError(`--start-at-task '${pattern}': no task of ${playbooks.map((p) => p.path).join(', ')} has that name (names and * ? patterns are matched)`);
}

/** `stream` is where listings and the run's terminal output go (tests capture it). */
export async function runCommand(playbookArgs: string[], options: RunCliOptions, stream: NodeJS.WritableStream = process.stdout): Promise<number> {
  const cwd = process.cwd();
  const playbookPaths = playbookArgs.map((path) => resolve(cwd, path));
  for (const path of playbookPaths) if (!existsSync(path)) throw new InputError('playbook not found', { file: path });
  // secrets first: playbooks, inventories and extra vars may all hold vaulted values
  if (options.vaultId !== undefined) await setUpVault({ vaultId: options.vaultId, vaultPasswordFile: options.vaultPasswordFile ?? [], vaultPassFile: options.vaultPassFile ?? [], askVaultPass: options.askVaultPass === true, askVaultPassword: options.askVaultPassword === true });
  const settings = options.settings;
  const loadOptions = {
    playbookDir: dirname(playbookPaths[0] as string),
    ...(settings?.rolesPath === undefined ? {} : { rolesPath: settings.rolesPath }),
    ...(settings === undefined ? {} : { playDefaults: settings.playDefaults }),
  };
  const playbooks: Playbook[] = await loadPlaybooks(playbookPaths, loadOptions);
  await decryptVarsFilesEarly(playbooks);
  if (options.startAtTask !== undefined) checkStartAtTask(options.startAtTask, playbooks);
  if (options.syntaxCheck) {
    for (const path of playbookArgs) stream.write(`\nplaybook: ${path}\n`);
    return ExitCode.ok;
  }
  const inventory = await loadInventory(inventorySources(options.inventory), { cwd });
  const extraVars = await parseExtraVars(options.extraVars, cwd);
  if (options.breakLease === true) {
    extraVars['airlock_break_lease'] = true;
    process.stderr.write('[WARNING]: --break-lease: operations held by other runs will be taken over; make sure those runs are dead\n');
  }
  const limit = await limitHosts(inventory, options, playbookArgs[0] as string);
  if (options.listHosts || options.listTasks || options.listTags) {
    stream.write(describePlaybooks(playbooks, inventory, { limit, hosts: options.listHosts, tasks: options.listTasks, tags: options.listTags }));
    return ExitCode.ok;
  }
  checkConnectionSettings(inventory, limit ?? [...inventory.hosts.keys()], extraVars);

  const redactor = new Redactor();
  for (const host of inventory.hosts.values()) redactor.addSecretsFromVars(host.vars);
  redactor.addSecretsFromVars(extraVars);
  // every vault plaintext, already decrypted or decrypted later in the run (include_vars, templates), is hidden
  const stopRedactingVault = onVaultPlaintext((secret) => redactor.addVaultSecret(secret));
  // stdout_callback = json: the JSON report is the output, as with Ansible's json callback
  const jsonOnStdout = settings?.jsonOnStdout === true && options.json === undefined;
  const reporter = createReporters({
    output: jsonOnStdout ? 'plain' : options.output,
    stream: jsonOnStdout ? new Writable({ write: (_chunk, _encoding, done) => done() }) : stream,
    verbosity: options.verbose,
    redactor,
    timings: settings?.timings === true,
    journal: { dir: DEFAULT_RUNS_DIR, playbook: playbookArgs[0] as string },
    ...(jsonOnStdout ? { jsonStream: stream } : {}),
    ...(options.json === undefined ? {} : { json: options.json }),
    ...(options.junit === undefined ? {} : { junit: options.junit }),
  });
  const controller = new AbortController();
  // every in-flight command and transfer on every host listens to this one signal: hundreds at once are expected
  setMaxListeners(0, controller.signal);
  const onInterrupt = (): void => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted); // a second Ctrl-C: leave now
    process.stderr.write('\nairlock: interrupted, stopping the running tasks and closing connections (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    const deps = await realDeps({
      inventory,
      emit: (event) => reporter.onEvent(event),
      loadOptions,
      pool: {
        ...(settings === undefined ? {} : { defaultVars: settings.defaultVars }),
        knownHostsFiles: options.knownHosts.map((file) => resolve(cwd, file)),
        acceptNewHostKeys: options.acceptNewHostKeys,
        ...(options.connectTimeout === undefined ? {} : { connectTimeoutMs: options.connectTimeout * 1000 }),
        ...(options.commandTimeout === undefined ? {} : { commandTimeoutMs: options.commandTimeout * 1000 }),
      },
    });
    const executorOptions: ExecutorOptions = {
      runId: newRunId(),
      check: options.check,
      diff: options.diff,
      forks: options.forks,
      tags: options.tags,
      skipTags: options.skipTags,
      startAtTask: options.startAtTask,
      forceHandlers: options.forceHandlers,
      extraVars,
      limit,
      canary: options.canary,
      verbosity: options.verbose,
      signal: controller.signal,
      ...(options.confirmBatches ? { confirmBatch } : {}),
    };
    const outcome = await runPlaybooks(playbooks, inventory, deps, executorOptions);
    stopHeartbeats();
    stream.write(unfinishedOperationsNote(options.inventory));
    if (settings?.retryFiles !== undefined) await writeRetryFile(playbookPaths[0] as string, settings.retryFiles.saveDir, outcome.summaries, stream);
    return outcome.exitCode;
  } finally {
    process.off('SIGINT', onInterrupt);
    stopRedactingVault();
    await reporter.close();
  }
}

/** Per host this run leaves with an operation open: what state it is in, and the one command that restores it. */
function unfinishedOperationsNote(inventories: string[]): string {
  const left = unfinishedOperations();
  if (left.length === 0) return '';
  const inventoryArgs = inventories.map((i) => ` -i ${quote(i)}`).join('');
  const lines = left.map(({ host, operation }) =>
    `  ${host}: ${operation.operation} r${operation.from ?? '-'} -> r${operation.to} stopped at phase "${operation.phase}"; `
    + `restore service: airlock rollback ${quote(host)}${inventoryArgs}`);
  return `\nhosts left with an unfinished operation (airlock status shows them; the next install, update or rollback recovers them first):\n${lines.join('\n')}\n`;
}

/** retry_files_enabled: <save dir or the playbook's dir>/<playbook name>.retry, failed and unreachable hosts sorted. */
async function writeRetryFile(playbookPath: string, saveDir: string | undefined, summaries: Record<string, { failed: number; unreachable: number }>, stream: NodeJS.WritableStream): Promise<void> {
  const hosts = Object.entries(summaries).filter(([, summary]) => summary.failed > 0 || summary.unreachable > 0).map(([host]) => host).sort();
  if (hosts.length === 0) return;
  const dir = saveDir ?? dirname(playbookPath);
  const file = join(dir, `${basename(playbookPath, extname(playbookPath))}.retry`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, hosts.map((host) => `${host}\n`).join(''));
    stream.write(`\tto retry, use: --limit @${file}\n`);
  } catch (error) {
    process.stderr.write(`[WARNING]: Could not create retry file '${file}': ${(error as Error).message}\n`);
  }
}

export function register(program: Command): void {
  const command = program
    .command('run')
    .description('Run playbooks against the hosts of an inventory (Ansible syntax)')
    .argument('<playbook...>', 'playbook files, run in order')
    .option('-i, --inventory <source>', 'inventory file, directory or host list (repeatable; default inventories/lab.yml)', collect, [])
    .option('-l, --limit <pattern>', 'further limit the hosts (Ansible pattern, or @FILE with one host per line)')
    .option('-e, --extra-vars <vars>', 'extra variables: key=value, YAML/JSON, or @FILE (repeatable)', collect, [])
    .option('-t, --tags <tags>', 'only run tasks with these tags (comma-separated, repeatable)', commaList, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated, repeatable)', commaList, [])
    .option('-C, --check', 'report what would change, change nothing', false)
    .option('-D, --diff', 'show before/after of changed files', false)
    .option('-f, --forks <n>', `hosts in parallel (default ${DEFAULT_FORKS})`, positiveInt('--forks'), DEFAULT_FORKS)
    .option('-v, --verbose', 'more output (repeat for more)', (_value: string, previous: number) => previous + 1, 0)
    .option('--start-at-task <name>', 'start at the first task with this name')
    .option('--syntax-check', 'load and validate the playbooks, run nothing', false)
    .option('--break-lease', 'take over hosts whose operation lease another run holds (that run must be dead)', false)
    .option('--list-hosts', 'list the hosts each play would run on', false)
    .option('--list-tasks', 'list the tasks each play would run', false)
    .option('--list-tags', 'list the tags of each play', false)
    .option('--json <file>', 'write a JSON report')
    .option('--junit <file>', 'write a JUnit XML report')
    .addOption(new Option('--output <mode>', 'terminal output').choices(['auto', 'plain', 'live']).default('auto'))
    .option('--accept-new-host-keys', 'trust unknown host keys on first use and record them (changed keys are always refused)', false)
    .option('--known-hosts <file>', 'extra known_hosts file (repeatable)', collect, [])
    .option('--connect-timeout <s>', 'SSH connect timeout in seconds', seconds('--connect-timeout'))
    .option('--command-timeout <s>', 'kill a remote command after this many seconds', seconds('--command-timeout'))
    .option('--force-handlers', 'run notified handlers even on hosts that failed', false)
    .option('--rerun <which>', "'failed': only the hosts that failed or were unreachable in the last run of this playbook")
    .option('--canary <n>', 'run a first batch of N hosts in every play before the rest', positiveInt('--canary'))
    .option('--confirm-batches', 'ask before starting each batch after the first', false);
  addVaultOptions(command).action(async (playbooks: string[], options: RunCliOptions, self: Command) => {
    const warn = (message: string): void => void process.stderr.write(`[WARNING]: ${message}\n`);
    const configured = applyRunConfig(options, airlockConfig(), givenOnCommandLine(self), warn);
    process.exitCode = await runCommand(playbooks, { ...configured.options, settings: configured.settings });
  });
}
