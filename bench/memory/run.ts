// bench/memory: airlock's controller peak RSS (VmHWM of the airlock process itself) for the 10-command playbook at
// 50, 100 and 200 hosts (forks = hosts, so every connection is open at once), a least-squares line through those
// points (intercept = the process with no hosts, slope = the cost of one more host/connection) and its projection
// to 1,000 hosts. Target: < 300 MB at 200 hosts.
import { formatLoad, load1, loadIsHigh, type LoadSample } from '../support/machine.js';
import { fitLine, median } from '../support/stats.js';
import { runAirlock } from '../fleet/airlock.js';
import { writeSubsetInventory, type WorkloadFiles } from '../fleet/workload.js';
import type { FleetLab } from '../fleet/run.js';

export const MEMORY_TARGET_MB = 300;

export interface MemoryOptions {
  hostCounts: number[];
  reps: number;
  workDir: string;
  workload: WorkloadFiles;
  lab: FleetLab;
  timeoutMs: number;
  log: (line: string) => void;
}

export interface MemoryPoint {
  hosts: number;
  peakRssMb: number;
  runsMb: number[];
  wallMs: number;
  load: LoadSample[];
}

export interface MemoryResult {
  points: MemoryPoint[];
  baseMb: number;
  perHostKb: number;
  projected1000Mb: number;
  at200Mb?: number;
  meetsTarget?: boolean;
  unreliable: boolean;
}

export async function benchMemory(options: MemoryOptions): Promise<MemoryResult> {
  const points: MemoryPoint[] = [];
  for (const hosts of options.hostCounts) {
    const inventory = writeSubsetInventory(options.lab.inventoryPath, hosts, options.workDir);
    const runsMb: number[] = [];
    const walls: number[] = [];
    const loads: LoadSample[] = [];
    for (let rep = 1; rep <= options.reps; rep++) {
      const before = load1();
      const run = await runAirlock({ playbook: options.workload.commandsPlaybook, inventory: inventory.path, forks: hosts, runId: `m${hosts}r${rep}`, timeoutMs: options.timeoutMs, cwd: options.workDir });
      loads.push({ before, after: load1() });
      runsMb.push(run.probe.vmHwmKb / 1024);
      walls.push(run.wallMs);
      options.log(`memory N=${hosts} rep ${rep}: peak RSS ${(run.probe.vmHwmKb / 1024).toFixed(1)} MB, ${(run.wallMs / 1000).toFixed(2)} s, ${formatLoad(loads.at(-1) as LoadSample)}`);
    }
    points.push({ hosts, peakRssMb: median(runsMb), runsMb, wallMs: median(walls), load: loads });
  }
  const line = fitLine(points.map((p) => [p.hosts, p.peakRssMb] as const));
  const at200 = points.find((p) => p.hosts === 200)?.peakRssMb;
  return {
    points,
    baseMb: line.intercept,
    perHostKb: line.slope * 1024,
    projected1000Mb: line.intercept + line.slope * 1000,
    ...(at200 === undefined ? {} : { at200Mb: at200, meetsTarget: at200 < MEMORY_TARGET_MB }),
    // peak RSS hardly depends on CPU contention, but a starved run keeps more results in flight at once
    unreliable: points.some((p) => p.load.some(loadIsHigh)),
  };
}
