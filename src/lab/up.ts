// `airlock lab up`: N hosts, each a network + mount + UTS namespace running its own real sshd (and optionally its
// own LXD), on a bridge in the root namespace, plus one host reachable only through the first host.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { BOOT_SCRIPT, LAUNCH_SCRIPT, LXD_EXTRA_OVERLAID_DIRS, OVERLAID_DIRS, SYSTEM_FILES_OVERLAID_DIRS } from './boot-script.js';
import { inventoryText, knownHostsText, sshConfigText, writeFileWithDirs, type HostPublicKey } from './client-files.js';
import { ipBatch, waitFor } from './commands.js';
import { writeEd25519KeyFiles } from './keys.js';
import { listensOnPort } from './listening.js';
import { labDown } from './down.js';
import { lxdPreseed } from './lxd-preseed.js';
import { hostIp, labNames, validateHostCount, validateLabName } from './naming.js';
import { requireBinaries, requireRoot, requireUsableStateDir } from './preflight.js';
import { isRunning } from './processes.js';
import { sshdConfig } from './sshd-config.js';
import { labPaths, writeLabState, type LabHostRecord, type LabPaths, type LabState } from './state.js';
import { pickAddressing } from './subnet.js';

export interface LabUpOptions {
  name: string;
  hosts: number;
  lxd?: boolean;
  /** each host gets its own /etc and /var/spool (boot-script.ts SYSTEM_FILES_OVERLAID_DIRS) */
  systemFiles?: boolean;
  projectRoot?: string;
  log?: (line: string) => void;
}

/** How long one host may take to answer on port 22 (LXD hosts first start and initialise their daemon). */
const SSHD_READY_MS = 30_000;
const LXD_READY_MS = 120_000;
/** ssh-keygen and boot spawning are short forks; a few at a time keeps a 2-core machine responsive. */
const FORK_CONCURRENCY = 8;

interface HostPlan extends LabHostRecord {
  /** "dev=ip/prefix" words for the boot script */
  addresses: string[];
  allowTcpForwarding: boolean;
}

function planHosts(state: LabState, paths: LabPaths, count: number): HostPlan[] {
  const names = labNames(state.name);
  const plans: HostPlan[] = [];
  for (let index = 1; index <= count; index++) {
    const name = names.hostName(index);
    const ip = hostIp(state.addressing, index);
    const addresses = [`eth0=${ip}/${state.addressing.prefixLength}`];
    if (index === 1) addresses.push(`eth1=${state.addressing.jumpInternalIp}/${state.addressing.prefixLength}`);
    plans.push({
      name,
      ip,
      netns: names.netnsName(name),
      veth: names.vethName(index),
      dir: join(paths.hostsDir, name),
      role: 'host',
      addresses,
      allowTcpForwarding: index === 1,
    });
  }
  const behindName = names.behindJumpHostName;
  plans.push({
    name: behindName,
    ip: state.addressing.behindJumpIp,
    netns: names.netnsName(behindName),
    dir: join(paths.hostsDir, behindName),
    role: 'behind_jump',
    addresses: [`eth0=${state.addressing.behindJumpIp}/${state.addressing.prefixLength}`],
    allowTcpForwarding: false,
  });
  return plans;
}

/** One `ip -batch` for every namespace, bridge and veth of the lab. */
function networkCommands(state: LabState, plans: readonly HostPlan[]): string[] {
  const lines = [
    `link add name ${state.bridge} type bridge`,
    `addr add ${state.addressing.gatewayIp}/${state.addressing.prefixLength} dev ${state.bridge}`,
    `link set ${state.bridge} up`,
  ];
  // The jump-only subnet would otherwise follow the machine's default route out of the machine: make it
  // unreachable from the root namespace, so a direct attempt fails at once and sends nothing anywhere.
  lines.push(`route add unreachable ${state.addressing.internalSubnet}`);
  for (const plan of plans) lines.push(`netns add ${plan.netns}`);
  for (const plan of plans) {
    if (plan.veth === undefined) continue;
    lines.push(`link add ${plan.veth} type veth peer name eth0 netns ${plan.netns}`);
    lines.push(`link set ${plan.veth} master ${state.bridge} up`);
  }
  const jump = plans[0];
  const behind = plans.find((p) => p.role === 'behind_jump');
  if (jump && behind) {
    // The jump-only link: a veth straight between the two namespaces; the root namespace never sees it.
    lines.push(`link add name eth1 netns ${jump.netns} type veth peer name eth0 netns ${behind.netns}`);
  }
  return lines;
}

async function prepareHostDir(plan: HostPlan, paths: LabPaths, lxd: boolean): Promise<HostPublicKey> {
  await mkdir(plan.dir, { recursive: true });
  const hostKeyPath = join(plan.dir, 'ssh_host_ed25519_key');
  const publicKey = await writeEd25519KeyFiles(hostKeyPath, `airlock-lab ${plan.name}`);
  await writeFileWithDirs(
    join(plan.dir, 'sshd_config'),
    sshdConfig({
      listenAddress: plan.ip,
      hostKeyPath,
      authorizedKeysPath: paths.authorizedKeysPath,
      allowTcpForwarding: plan.allowTcpForwarding,
    }),
  );
  if (lxd) await writeFileWithDirs(join(plan.dir, 'lxd-preseed.yaml'), lxdPreseed());
  return { host: plan, publicKey };
}

/** Start every host's boot script inside its namespaces, through one launcher shell; returns host name -> PID. */
async function bootHosts(plans: readonly HostPlan[], paths: LabPaths, lxd: boolean, systemFiles: boolean): Promise<Map<string, number>> {
  const overlays = [...OVERLAID_DIRS, ...(lxd ? LXD_EXTRA_OVERLAID_DIRS : []), ...(systemFiles ? SYSTEM_FILES_OVERLAID_DIRS : [])];
  const listPath = join(paths.stateDir, 'hosts.list');
  // Our own names and paths only (checked by requireUsableStateDir): no spaces, nothing a shell would expand.
  const lines = plans.map((p) => [p.netns, p.name, p.dir, p.addresses.join(','), lxd && p.role === 'host' ? '1' : '0'].join(' '));
  await writeFileWithDirs(listPath, `${lines.join('\n')}\n`);
  const launched = await execa('/bin/sh', [paths.launchScriptPath, paths.bootScriptPath, listPath], {
    // Its own session: a Ctrl-C meant for the caller (or a test runner) must not reach the lab's daemons.
    detached: true,
    extendEnv: false,
    env: {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: 'C.UTF-8',
      HOME: '/root',
      AIRLOCK_OVERLAYS: overlays.join(' '),
    },
  });
  const pids = new Map<string, number>();
  for (const line of launched.stdout.split('\n')) {
    const [name, pid] = line.trim().split(' ');
    if (name && pid && /^\d+$/.test(pid)) pids.set(name, Number(pid));
  }
  return pids;
}

function bootLogTail(plan: HostPlan): string {
  try {
    return readFileSync(join(plan.dir, 'boot.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no boot log)';
  }
}

async function waitUntilReady(plan: HostPlan, timeoutMs: number): Promise<void> {
  const pid = plan.sshdPid;
  if (pid === undefined) throw new Error(`lab host ${plan.name} was never started`);
  // Read the host's own socket table instead of connecting: a probe connection makes sshd fork and re-exec itself,
  // and 200 hosts probed every 50 ms would keep a 2-core machine busy doing only that.
  const ready = await waitFor(async () => !isRunning(pid) || listensOnPort(pid, plan.ip, 22), timeoutMs);
  if (!isRunning(pid)) {
    throw new Error(`lab host ${plan.name} failed to boot; last lines of ${join(plan.dir, 'boot.log')}:\n${bootLogTail(plan)}`);
  }
  if (!ready) throw new Error(`lab host ${plan.name} did not listen on ${plan.ip}:22 within ${timeoutMs} ms`);
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function labUp(options: LabUpOptions): Promise<LabState> {
  validateLabName(options.name);
  validateHostCount(options.hosts);
  const lxd = options.lxd ?? false;
  requireRoot('airlock lab up');
  requireBinaries(lxd);
  const log = options.log ?? (() => undefined);
  const paths = labPaths(options.name, options.projectRoot);
  requireUsableStateDir(paths.stateDir);

  // Kernel objects outlive processes: clear whatever an earlier run of this lab left behind.
  await labDown({ name: options.name, projectRoot: paths.projectRoot, log });

  const state: LabState = {
    version: 1,
    name: options.name,
    phase: 'creating',
    lxd,
    ...(options.systemFiles ? { systemFiles: true } : {}),
    createdAt: new Date().toISOString(),
    addressing: await pickAddressing(options.name),
    bridge: labNames(options.name).bridge,
    hosts: [],
    stateDir: paths.stateDir,
    inventoryPath: paths.inventoryPath,
    knownHostsPath: paths.knownHostsPath,
    privateKeyPath: paths.privateKeyPath,
    sshConfigPath: paths.sshConfigPath,
  };
  const plans = planHosts(state, paths, options.hosts);
  state.hosts = plans.map(({ addresses: _a, allowTcpForwarding: _f, ...record }) => record);
  // Recorded before anything exists, so a failed `up` can always be cleaned by `down`.
  await writeLabState(paths, state);

  try {
    await mkdir(paths.hostsDir, { recursive: true });
    await mkdir('/run/sshd', { recursive: true });
    await writeFileWithDirs(paths.bootScriptPath, BOOT_SCRIPT, 0o755);
    await writeFileWithDirs(paths.launchScriptPath, LAUNCH_SCRIPT, 0o755);
    const clientPublicKey = await writeEd25519KeyFiles(paths.privateKeyPath, `airlock-lab-${options.name}`);
    await writeFileWithDirs(paths.authorizedKeysPath, `${clientPublicKey}\n`, 0o600);

    const started = Date.now();
    const phase = (what: string): void => log(`${what} (${((Date.now() - started) / 1000).toFixed(2)} s)`);
    const limit = pLimit(FORK_CONCURRENCY);
    const hostKeys = await Promise.all(plans.map((plan) => limit(() => prepareHostDir(plan, paths, lxd))));
    phase(`${plans.length} host keys and configs written`);
    await writeFileWithDirs(paths.knownHostsPath, knownHostsText(hostKeys), 0o644);

    await ipBatch(networkCommands(state, plans));
    phase(`network ${state.addressing.subnet} on bridge ${state.bridge}, ${plans.length} namespaces`);

    const pids = await bootHosts(plans, paths, lxd, state.systemFiles === true);
    for (const plan of plans) {
      const pid = pids.get(plan.name);
      if (pid !== undefined) plan.sshdPid = pid;
    }
    state.hosts = plans.map(({ addresses: _a, allowTcpForwarding: _f, ...record }) => record);
    await writeLabState(paths, state);

    // Booting is bound by mount-namespace work that grows with the number of hosts: allow for it.
    const readyMs = (lxd ? LXD_READY_MS : SSHD_READY_MS) + plans.length * 500;
    phase(`${plans.length} hosts booting`);
    await Promise.all(plans.map((plan) => waitUntilReady(plan, readyMs)));
    phase(`${plans.length} sshd listening${lxd ? ', LXD initialised' : ''}`);
    for (const plan of plans) {
      const lxdPid = lxd && plan.role === 'host' ? readPid(join(plan.dir, 'lxd.pid')) : undefined;
      if (lxdPid !== undefined) plan.lxdPid = lxdPid;
    }
    state.hosts = plans.map(({ addresses: _a, allowTcpForwarding: _f, ...record }) => record);

    await writeFileWithDirs(paths.sshConfigPath, sshConfigText(state), 0o644);
    await writeFileWithDirs(paths.inventoryPath, inventoryText(state), 0o644);
    state.phase = 'up';
    await writeLabState(paths, state);
    return state;
  } catch (error) {
    log(`lab up failed; leaving ${paths.stateDir} in place for inspection (run \`airlock lab down --name ${options.name}\`)`);
    throw error;
  }
}
