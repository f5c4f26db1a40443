// `airlock lab down`: remove everything a lab created. Works from the state record when there is one and from
// the names derived from the lab name when there is not (a crashed `up`), so `up` can always start clean.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { ipBatch, runQuietly } from './commands.js';
import { addressingForBlock, labNames, preferredBlock, validateLabName } from './naming.js';
import { killAndWait, pidsInNetns, withDescendants } from './processes.js';
import { labPaths, readLabState } from './state.js';

export interface LabDownOptions {
  name: string;
  projectRoot?: string;
  log?: (line: string) => void;
}

export interface LabDownSummary {
  netnsRemoved: string[];
  processesKilled: number;
  linksRemoved: string[];
  /** PIDs that survived SIGKILL (should be empty; reported so nothing is silently left behind) */
  survivors: number[];
}

async function labNetnsList(pattern: RegExp): Promise<string[]> {
  const { stdout } = await runQuietly('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => pattern.test(name));
}

async function existingLinks(candidates: readonly string[]): Promise<string[]> {
  const { stdout } = await runQuietly('ip', ['-o', 'link', 'show']);
  const present = new Set(stdout.split('\n').map((line) => (line.split(': ')[1] ?? '').split('@')[0]));
  return candidates.filter((name) => present.has(name));
}

/** Mounts in the ROOT namespace under the state dir (none normally: hosts mount in their own namespaces). */
function mountsUnder(dir: string): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  return lines
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

export async function labDown(options: LabDownOptions): Promise<LabDownSummary> {
  validateLabName(options.name);
  const log = options.log ?? (() => undefined);
  const paths = labPaths(options.name, options.projectRoot);
  const names = labNames(options.name);
  const state = await readLabState(paths).catch(() => undefined);

  const netnsNames = new Set(await labNetnsList(names.netnsPattern));
  for (const host of state?.hosts ?? []) netnsNames.add(host.netns);

  // Processes first: a netns (and the host's mounts) only disappear once nothing runs in them.
  const roots = pidsInNetns([...netnsNames]);
  for (const host of state?.hosts ?? []) {
    if (host.sshdPid !== undefined) roots.push(host.sshdPid);
    if (host.lxdPid !== undefined) roots.push(host.lxdPid);
  }
  const victims = roots.length > 0 ? withDescendants(roots) : [];
  const survivors = await killAndWait(victims);
  if (victims.length > 0) log(`killed ${victims.length} processes`);

  const vethCandidates = (state?.hosts ?? []).flatMap((h) => (h.veth ? [h.veth] : []));
  const links = await existingLinks([state?.bridge ?? names.bridge, ...vethCandidates]);
  const removedNetns = [...netnsNames];
  await ipBatch(
    [...removedNetns.map((n) => `netns del ${n}`), ...links.map((l) => `link del ${l}`)],
    { force: true },
  );
  // Stale ARP entries for re-created addresses stall the first connection for 10-70 s.
  const addressing = state?.addressing ?? addressingForBlock(preferredBlock(options.name));
  await runQuietly('ip', ['neigh', 'flush', 'to', addressing.subnet]);
  await runQuietly('ip', ['route', 'del', 'unreachable', addressing.internalSubnet]);

  for (const mountPoint of mountsUnder(paths.stateDir)) await runQuietly('umount', ['-l', mountPoint]);
  await rm(paths.stateDir, { recursive: true, force: true });
  await rm(paths.inventoryPath, { force: true });
  if (removedNetns.length > 0 || links.length > 0) log(`removed ${removedNetns.length} netns, ${links.length} links`);
  return { netnsRemoved: removedNetns, processesKilled: victims.length, linksRemoved: links, survivors };
}
