// bench/fleet: airlock vs ansible-playbook vs the ssh2 ceiling on the first N hosts of the bench lab, the same
// 11-task workload, each figure the median of `reps` runs, with the machine's load next to every run.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatLoad, load1, loadIsHigh, type LoadSample } from '../support/machine.js';
import { median } from '../support/stats.js';
import { runAirlock } from './airlock.js';
import { runAnsible } from './ansible.js';
import { openCeilingConnections, runCeiling } from './ceiling.js';
import { COMMAND_TASKS, writeSubsetInventory, type WorkloadFiles } from './workload.js';

export const TASKS_PER_HOST = COMMAND_TASKS.length + 1;

export interface FleetLab {
  inventoryPath: string;
  knownHostsPath: string;
  privateKeyPath: string;
}

export interface FleetOptions {
  hosts: number;
  reps: number;
  /** Ansible at 200 forks on a loaded 2-core machine takes minutes per run: allow fewer repetitions */
  ansibleReps: number;
  /** false: skip Ansible at this N (minutes per run at 200 forks on 2 cores) */
  ansible: boolean;
  workDir: string;
  workload: WorkloadFiles;
  lab: FleetLab;
  timeoutMs: number;
  log: (line: string) => void;
}

export interface ContenderFigure {
  runsMs: number[];
  medianMs: number;
  hostTasksPerSecond: number;
  loads: LoadSample[];
}

export interface FleetResult {
  hosts: number;
  airlock: ContenderFigure;
  ansible?: ContenderFigure;
  ceiling: ContenderFigure;
  ceilingConnectMs: number;
  airlockPeakRssKb: number[];
  /** CPU time per run: on a loaded machine these say more than wall times (they do not depend on waiting) */
  airlockCpuMs: number[];
  ansibleCpuMs: number[];
  /** airlock is this many times faster than Ansible (Ansible wall / airlock wall) */
  speedupVsAnsible?: number;
  /** ceiling wall / airlock wall: 1.0 means airlock adds nothing to the bare SSH work */
  fractionOfCeiling: number;
  /**
   * (ceiling wall + its connect time) / airlock wall: the ceiling opens its connections before its clock starts,
   * airlock's wall includes them; printed beside the target's ratio, never instead of it.
   */
  fractionOfCeilingWithConnects: number;
  unreliable: boolean;
}

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function figure(runsMs: number[], loads: LoadSample[], hosts: number): ContenderFigure {
  const medianMs = median(runsMs);
  return { runsMs, medianMs, hostTasksPerSecond: (hosts * TASKS_PER_HOST * 1000) / medianMs, loads };
}

async function sampled<T>(run: () => Promise<T>, loads: LoadSample[]): Promise<T> {
  const before = load1();
  const value = await run();
  loads.push({ before, after: load1() });
  return value;
}

export async function benchFleet(options: FleetOptions): Promise<FleetResult> {
  const { hosts, log } = options;
  const inventory = writeSubsetInventory(options.lab.inventoryPath, hosts, options.workDir);
  const ceilingConnections = await openCeilingConnections(inventory.hosts, options.lab.privateKeyPath, options.lab.knownHostsPath, hosts);
  log(`fleet N=${hosts}: ceiling connections open in ${(ceilingConnections.connectMs / 1000).toFixed(2)} s (not counted in the ceiling figure)`);
  const airlockMs: number[] = [];
  const airlockLoads: LoadSample[] = [];
  const airlockRss: number[] = [];
  const ansibleMs: number[] = [];
  const ansibleLoads: LoadSample[] = [];
  const ansibleCpuMs: number[] = [];
  const airlockCpuMs: number[] = [];
  const ceilingMs: number[] = [];
  const ceilingLoads: LoadSample[] = [];
  try {
    for (let rep = 1; rep <= options.reps; rep++) {
      // Interleaved, so that the three contenders share the machine's (changing) load as fairly as possible.
      const runTag = `n${hosts}r${rep}`;
      const airlock = await sampled(
        () => runAirlock({ playbook: options.workload.fleetPlaybook, inventory: inventory.path, forks: hosts, runId: `a${runTag}`, timeoutMs: options.timeoutMs, cwd: options.workDir }),
        airlockLoads,
      );
      airlockMs.push(airlock.wallMs);
      airlockRss.push(airlock.probe.vmHwmKb);
      airlockCpuMs.push(airlock.probe.cpuUserMs + airlock.probe.cpuSystemMs);
      log(`  rep ${rep} airlock  ${(airlock.wallMs / 1000).toFixed(2)} s  peak RSS ${(airlock.probe.vmHwmKb / 1024).toFixed(0)} MB  cpu ${((airlock.probe.cpuUserMs + airlock.probe.cpuSystemMs) / 1000).toFixed(2)} s  ${formatLoad(airlockLoads.at(-1) as LoadSample)}`);
      if (rep <= options.ansibleReps && options.ansible) {
        const ansible = await sampled(
          () => runAnsible({ playbook: options.workload.fleetPlaybook, inventory: inventory.path, forks: hosts, runId: `b${runTag}`, knownHostsPath: options.lab.knownHostsPath, workDir: options.workDir, timeoutMs: options.timeoutMs }),
          ansibleLoads,
        );
        ansibleMs.push(ansible.wallMs);
        if (ansible.cpuMs !== undefined) ansibleCpuMs.push(ansible.cpuMs);
        log(`  rep ${rep} ansible  ${(ansible.wallMs / 1000).toFixed(2)} s  cpu ${ansible.cpuMs === undefined ? '?' : (ansible.cpuMs / 1000).toFixed(2)} s  ${formatLoad(ansibleLoads.at(-1) as LoadSample)}`);
      }
      const ceiling = await sampled(() => runCeiling(ceilingConnections, hosts, `c${runTag}`), ceilingLoads);
      ceilingMs.push(ceiling);
      log(`  rep ${rep} ceiling  ${(ceiling / 1000).toFixed(2)} s  ${formatLoad(ceilingLoads.at(-1) as LoadSample)}`);
    }
  } finally {
    ceilingConnections.close();
  }
  const airlockFigure = figure(airlockMs, airlockLoads, hosts);
  const ceilingFigure = figure(ceilingMs, ceilingLoads, hosts);
  const ansibleFigure = ansibleMs.length > 0 ? figure(ansibleMs, ansibleLoads, hosts) : undefined;
  const allLoads = [...airlockLoads, ...ansibleLoads, ...ceilingLoads];
  return {
    hosts,
    airlock: airlockFigure,
    ceiling: ceilingFigure,
    ...(ansibleFigure === undefined ? {} : { ansible: ansibleFigure, speedupVsAnsible: ansibleFigure.medianMs / airlockFigure.medianMs }),
    ceilingConnectMs: ceilingConnections.connectMs,
    airlockPeakRssKb: airlockRss,
    airlockCpuMs,
    ansibleCpuMs,
    fractionOfCeiling: ceilingFigure.medianMs / airlockFigure.medianMs,
    fractionOfCeilingWithConnects: (ceilingFigure.medianMs + ceilingConnections.connectMs) / airlockFigure.medianMs,
    unreliable: allLoads.some(loadIsHigh),
  };
}

/** One airlock run at N hosts with node --cpu-prof; returns the .cpuprofile directory. */
export async function profileAirlock(options: Omit<FleetOptions, 'reps' | 'ansibleReps' | 'ansible'>): Promise<string> {
  const inventory = writeSubsetInventory(options.lab.inventoryPath, options.hosts, options.workDir);
  const profileDir = join(options.workDir, `cpuprofile-n${options.hosts}`);
  // one profile in the directory: the summary reads whichever file it finds, so an older run's must not linger
  rmSync(profileDir, { recursive: true, force: true });
  await runAirlock({ playbook: options.workload.fleetPlaybook, inventory: inventory.path, forks: options.hosts, runId: `prof${options.hosts}`, timeoutMs: options.timeoutMs, cwd: options.workDir, cpuProfileDir: profileDir });
  return profileDir;
}

export { PROJECT_ROOT };
