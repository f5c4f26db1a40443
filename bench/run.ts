// `npm run bench`: the side-by-side benchmarks of issue 7 on the bench lab (sshd-only hosts in network namespaces).
//   node dist/bench/run.js [--only fleet|memory|profile] [--sizes 20,100,200] [--reps 3] [--ansible-reps 3,1]
//                          [--memory-sizes 50,100,200] [--memory-reps 1] [--profile-hosts 100] [--timeout-s 900]
//                          [--ansible-sizes 20,100] [--keep-lab]
// Not part of npm test or CI: it takes minutes and wants an otherwise idle machine. bench/push has its own entry.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLab } from '../test/support/lab.js';
import { labDown } from '../src/lab/index.js';
import { benchFleet, profileAirlock, PROJECT_ROOT, TASKS_PER_HOST, type FleetResult } from './fleet/run.js';
import { writeWorkload } from './fleet/workload.js';
import { benchMemory, MEMORY_TARGET_MB, type MemoryResult } from './memory/run.js';
import { hotSpots, timeByArea } from './support/cpu-profile.js';
import { coreCount, load1 } from './support/machine.js';

const LAB_NAME = 'bench';
const WORK_DIR = '/var/tmp/airlock-bench-fleet';

function flag(name: string): boolean {
  return process.argv.includes(name);
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function numbers(name: string, fallback: number[]): number[] {
  const value = option(name);
  if (value === undefined) return fallback;
  const parsed = value.split(',').map(Number);
  if (parsed.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${name}: positive integers separated by commas, got '${value}'`);
  return parsed;
}

function count(name: string, fallback: number): number {
  return numbers(name, [fallback])[0] ?? fallback;
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const only = option('--only');
const sizes = numbers('--sizes', [20, 100, 200]);
const reps = count('--reps', 3);
const ansibleSizes = numbers('--ansible-sizes', sizes);
/** one count per --ansible-sizes entry (the last repeats): Ansible at 100+ forks takes minutes per run here */
const ansibleRepsList = numbers('--ansible-reps', [reps]);
const ansibleRepsAt = (hosts: number): number => {
  const index = ansibleSizes.indexOf(hosts);
  return index < 0 ? 0 : (ansibleRepsList[index] ?? ansibleRepsList.at(-1) ?? reps);
};
const memorySizes = numbers('--memory-sizes', [50, 100, 200]);
const memoryReps = count('--memory-reps', 1);
const profileHosts = count('--profile-hosts', 100);
const timeoutMs = count('--timeout-s', 900) * 1000;
const wantFleet = only === undefined || only === 'fleet';
const wantMemory = only === undefined || only === 'memory';
const wantProfile = only === undefined || only === 'profile';

const largest = Math.max(...(wantFleet ? sizes : []), ...(wantMemory ? memorySizes : []), ...(wantProfile ? [profileHosts] : []));
mkdirSync(WORK_DIR, { recursive: true });
log(`bench: ${coreCount()} cores, load ${load1().toFixed(1)}; bringing up lab '${LAB_NAME}' with ${largest} hosts`);
const lab = await ensureLab({ name: LAB_NAME, hosts: largest });
const workload = writeWorkload(WORK_DIR);
const fleetLab = { inventoryPath: lab.inventoryPath, knownHostsPath: lab.knownHostsPath, privateKeyPath: lab.privateKeyPath };

function fleetTable(results: FleetResult[]): string {
  const rows = [
    '| N | airlock s | Ansible s | ceiling s | airlock host-tasks/s | Ansible host-tasks/s | ceiling host-tasks/s | airlock/Ansible speedup | airlock/ceiling | airlock/(ceiling + its connects) | airlock peak RSS MB | load (1 min) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const loads = [...r.airlock.loads, ...(r.ansible?.loads ?? []), ...r.ceiling.loads].flatMap((l) => [l.before, l.after]);
    rows.push(
      `| ${r.hosts} | ${(r.airlock.medianMs / 1000).toFixed(2)} | ${r.ansible ? (r.ansible.medianMs / 1000).toFixed(2) : '-'} | ${(r.ceiling.medianMs / 1000).toFixed(2)} | ${r.airlock.hostTasksPerSecond.toFixed(0)} | ${r.ansible ? r.ansible.hostTasksPerSecond.toFixed(0) : '-'} | ${r.ceiling.hostTasksPerSecond.toFixed(0)} | ${r.speedupVsAnsible === undefined ? '-' : `${r.speedupVsAnsible.toFixed(1)}x`} | ${r.fractionOfCeiling.toFixed(2)} | ${r.fractionOfCeilingWithConnects.toFixed(2)} | ${Math.max(...r.airlockPeakRssKb) / 1024 | 0} | ${Math.min(...loads).toFixed(0)}-${Math.max(...loads).toFixed(0)}${r.unreliable ? ' UNRELIABLE' : ''} |`,
    );
  }
  return rows.join('\n');
}

function memoryTable(result: MemoryResult): string {
  const rows = ['| N (forks = N) | airlock peak RSS MB (VmHWM) | runs | wall s |', '|---|---|---|---|'];
  for (const p of result.points) rows.push(`| ${p.hosts} | ${p.peakRssMb.toFixed(1)} | ${p.runsMb.map((mb) => mb.toFixed(1)).join(', ')} | ${(p.wallMs / 1000).toFixed(2)} |`);
  rows.push(`| 1000 (projected) | ${result.projected1000Mb.toFixed(0)} | base ${result.baseMb.toFixed(1)} MB + ${result.perHostKb.toFixed(0)} KB/host | |`);
  return rows.join('\n');
}

const report: { fleet: FleetResult[]; memory?: MemoryResult; profile?: unknown; startedAt: string } = { fleet: [], startedAt: new Date().toISOString() };
try {
  if (wantFleet) {
    for (const hosts of sizes) {
      log(`\n== fleet N=${hosts}: ${TASKS_PER_HOST} tasks x ${hosts} hosts, ${reps} reps (Ansible ${Math.min(ansibleRepsAt(hosts), reps)}) ==`);
      const result = await benchFleet({ hosts, reps, ansibleReps: ansibleRepsAt(hosts), ansible: ansibleRepsAt(hosts) > 0, workDir: WORK_DIR, workload, lab: fleetLab, timeoutMs, log });
      report.fleet.push(result);
      log(fleetTable([result]));
      if (hosts === 100 && result.speedupVsAnsible !== undefined) log(`target at N=100: airlock >= 10x faster than Ansible: ${result.speedupVsAnsible.toFixed(1)}x ${result.speedupVsAnsible >= 10 ? 'MET' : 'NOT MET'}`);
      log(`target: airlock >= 0.8 of the ceiling: ${result.fractionOfCeiling.toFixed(2)} ${result.fractionOfCeiling >= 0.8 ? 'MET' : 'NOT MET'}`);
    }
    log(`\n== fleet summary ==\n${fleetTable(report.fleet)}`);
  }
  if (wantMemory) {
    log(`\n== memory: 10 command tasks, forks = N ==`);
    report.memory = await benchMemory({ hostCounts: memorySizes, reps: memoryReps, workDir: WORK_DIR, workload, lab: fleetLab, timeoutMs, log });
    log(memoryTable(report.memory));
    if (report.memory.at200Mb !== undefined) log(`target: < ${MEMORY_TARGET_MB} MB at 200 hosts: ${report.memory.at200Mb.toFixed(1)} MB ${report.memory.meetsTarget ? 'MET' : 'NOT MET'}`);
  }
  if (wantProfile) {
    log(`\n== profile: airlock --cpu-prof at N=${profileHosts} ==`);
    const dir = await profileAirlock({ hosts: profileHosts, workDir: WORK_DIR, workload, lab: fleetLab, timeoutMs, log });
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error(`${dir}: node --cpu-prof wrote no profile`);
    const { totalMs, spots } = hotSpots(join(dir, file), 25);
    const areas = timeByArea(join(dir, file));
    log(`profile ${join(dir, file)}: ${(totalMs / 1000).toFixed(2)} s sampled`);
    for (const area of areas.slice(0, 15)) log(`  ${(area.share * 100).toFixed(1).padStart(5)}%  ${area.selfMs.toFixed(0).padStart(6)} ms  ${area.area}`);
    log('  top functions by self time:');
    for (const spot of spots) log(`  ${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.selfMs.toFixed(0).padStart(6)} ms  ${spot.where}`);
    report.profile = { file: join(dir, file), totalMs, areas, spots };
  }
} finally {
  const resultsPath = join(WORK_DIR, `results-${Date.now()}.json`);
  writeFileSync(resultsPath, JSON.stringify(report, null, 2));
  log(`\nresults: ${resultsPath}`);
  if (!flag('--keep-lab')) {
    log(`taking lab '${LAB_NAME}' down`);
    await labDown({ name: LAB_NAME, projectRoot: PROJECT_ROOT });
  }
}
