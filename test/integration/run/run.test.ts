// `airlock run` end to end on real sshd lab hosts with the real modules: what an operator would check after a run.
// Every test drives the CLI (bin/airlock.js) and reads the JSON report and the hosts themselves.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLab, type LabInfo } from '../../support/lab.js';
import type { JsonReport } from '../../../src/report/json.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures', 'run');
const BIN = join(ROOT, 'bin', 'airlock.js');
/** this area's own lab: other engineers' labs are left alone */
const LAB = 'run';
const FEW = 3;

interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  report: JsonReport;
  seconds: number;
}

let lab: LabInfo;
let work: string;

async function airlockRun(playbook: string, args: string[] = []): Promise<CliRun> {
  const reportPath = join(work, `report-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  const started = performance.now();
  const result = await execa('node', [BIN, 'run', join(FIXTURES, playbook), '-i', lab.inventoryPath, '--output', 'plain', '--json', reportPath, ...args], {
    cwd: work,
    reject: false,
    env: { CI: 'true' },
  });
  const seconds = (performance.now() - started) / 1000;
  let report: JsonReport;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as JsonReport;
  } catch {
    throw new Error(`no JSON report (exit ${String(result.exitCode)}):\n${result.stdout}\n${result.stderr}`);
  }
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, report, seconds };
}

function fewHosts(): string {
  return lab.hosts.slice(0, FEW).map((host) => host.name).join(',');
}

/** Read the host itself over OpenSSH, independently of airlock. */
async function onHost(host: string, command: string): Promise<{ rc: number; stdout: string }> {
  const result = await execa('ssh', ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', host, command], { reject: false });
  return { rc: result.exitCode ?? -1, stdout: result.stdout };
}

function summariesChanged(report: JsonReport): Record<string, number> {
  return Object.fromEntries(Object.entries(report.hosts).map(([host, summary]) => [host, summary.changed]));
}

describe('airlock run on the lab', function () {
  this.timeout(300_000);

  before(async () => {
    lab = await ensureLab({ name: LAB, hosts: 50 });
    work = mkdtempSync(join(tmpdir(), 'airlock-run-'));
  });

  beforeEach(async () => {
    const reset = await airlockRun('reset.yml', ['--limit', fewHosts()]);
    expect(reset.exitCode, reset.stdout).to.equal(0);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('applies a role with defaults; its handler runs once per host although notified twice', async () => {
    const run = await airlockRun('site.yml', ['--limit', fewHosts(), '-e', 'webapp_port=9090']);
    expect(run.exitCode, run.stdout).to.equal(0);
    for (const host of lab.hosts.slice(0, FEW)) {
      const conf = await onHost(host.name, 'cat /srv/airlock-run/app.conf');
      expect(conf.stdout).to.equal(`message=from role defaults\nport=9090\nhost=${host.name}`);
      expect((await onHost(host.name, 'cat /srv/airlock-run/managed.conf')).stdout).to.equal('managed=airlock');
      const restarts = await onHost(host.name, 'cat /srv/airlock-run/restarts');
      expect(restarts.stdout).to.equal('restarted');
    }
  });

  it('a second run of the same playbook reports 0 changed on every host', async () => {
    const first = await airlockRun('site.yml', ['--limit', fewHosts()]);
    expect(first.exitCode, first.stdout).to.equal(0);
    expect(Object.values(summariesChanged(first.report)).every((changed) => changed > 0)).to.equal(true);
    const second = await airlockRun('site.yml', ['--limit', fewHosts()]);
    expect(second.exitCode, second.stdout).to.equal(0);
    expect(summariesChanged(second.report)).to.deep.equal(Object.fromEntries(lab.hosts.slice(0, FEW).map((host) => [host.name, 0])));
  });

  it('--check changes nothing on the hosts', async () => {
    const run = await airlockRun('site.yml', ['--limit', fewHosts(), '--check']);
    expect(run.exitCode, run.stdout).to.equal(0);
    expect(run.report.run.check).to.equal(true);
    for (const host of lab.hosts.slice(0, FEW)) {
      const exists = await onHost(host.name, 'test -e /srv/airlock-run');
      expect(exists.rc, `${host.name} has /srv/airlock-run after --check`).to.equal(1);
    }
  });

  it('a rescue recovers the failing block; always runs; exit 0 with rescued counted', async () => {
    const run = await airlockRun('rescue.yml', ['--limit', fewHosts()]);
    expect(run.exitCode, run.stdout).to.equal(0);
    for (const host of lab.hosts.slice(0, FEW)) {
      expect(run.report.hosts[host.name]).to.include({ rescued: 1, failed: 0 });
      const files = await onHost(host.name, 'ls /srv/airlock-run');
      expect(files.stdout.split('\n').sort()).to.deep.equal(['always', 'rescued']);
    }
  });

  it('retries until the condition holds and registers the attempts', async () => {
    const run = await airlockRun('retries.yml', ['--limit', fewHosts()]);
    expect(run.exitCode, run.stdout).to.equal(0);
    const shown = run.report.results.filter((record) => record.task === 'show attempts').map((record) => record.msg);
    expect(shown).to.deep.equal(Array(FEW).fill('attempts=3'));
    const counter = await onHost(lab.hosts[0]?.name as string, 'cat /srv/airlock-run/counter');
    expect(counter.stdout).to.equal('3');
  });

  it('a failing canary halts the rollout: exit 2, other hosts untouched and named', async () => {
    const hosts = lab.hosts.slice(0, FEW).map((host) => host.name);
    const run = await airlockRun('canary.yml', ['--limit', hosts.join(',')]);
    expect(run.exitCode, run.stdout).to.equal(2);
    const halted = run.report.plays[0]?.halted;
    expect(halted?.changedHosts).to.deep.equal([hosts[0]]);
    expect(halted?.untouchedHosts).to.deep.equal(hosts.slice(1));
    expect(run.stdout).to.match(/ROLLOUT HALTED/);
    expect((await onHost(hosts[0] as string, 'cat /srv/airlock-run/version')).stdout).to.equal('2');
    for (const host of hosts.slice(1)) expect((await onHost(host, 'test -e /srv/airlock-run')).rc, host).to.equal(1);
  });

  it('--limit that matches nothing is an input error (exit 1) and runs nothing', async () => {
    const result = await execa('node', [BIN, 'run', join(FIXTURES, 'site.yml'), '-i', lab.inventoryPath, '--limit', 'no-such-host'], { cwd: work, reject: false });
    expect(result.exitCode).to.equal(1);
    expect(result.stderr).to.match(/no-such-host/);
  });

  it('runs 10 command tasks on 50 hosts, default forks and --forks 10', async () => {
    const all = await airlockRun('ten-commands.yml');
    expect(all.exitCode, all.stdout).to.equal(0);
    expect(all.report.results.filter((record) => record.status === 'changed')).to.have.length(lab.hosts.length * 10);
    const ten = await airlockRun('ten-commands.yml', ['--forks', '10']);
    expect(ten.exitCode, ten.stdout).to.equal(0);
    expect(ten.report.results).to.have.length(lab.hosts.length * 10);
    process.stdout.write(`      [measure] 10 command tasks x ${lab.hosts.length} hosts: default forks ${all.seconds.toFixed(2)} s, --forks 10 ${ten.seconds.toFixed(2)} s\n`);
  });
});
