// Staged rollouts on 20 lab hosts, checked on the hosts themselves: serial [1, "25%", "100%"] runs 1, 5 and 14
// hosts, and `--rerun failed` reaches exactly the hosts that failed in the last run of that playbook.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLab, type LabInfo } from '../../support/lab.js';
import type { JsonReport } from '../../../src/report/json.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures', 'run');
const BIN = join(ROOT, 'bin', 'airlock.js');

let lab: LabInfo;
let work: string;
let twenty: string[];
let limitFile: string;

async function run(playbook: string, args: string[]): Promise<{ exitCode: number; stdout: string; report: JsonReport }> {
  const reportPath = join(work, `report-${Date.now()}.json`);
  const result = await execa('node', [BIN, 'run', join(FIXTURES, playbook), '-i', lab.inventoryPath, '--output', 'plain', '--json', reportPath, ...args],
    { cwd: work, reject: false, env: { CI: 'true' } });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, report: JSON.parse(readFileSync(reportPath, 'utf8')) as JsonReport };
}

/** One command on many lab hosts over OpenSSH (not airlock), host -> stdout. */
async function onHosts(hosts: string[], command: string): Promise<Map<string, string>> {
  const outputs = await Promise.all(hosts.map(async (host) => {
    const result = await execa('ssh', ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', host, command], { reject: false });
    return [host, result.stdout.trim()] as const;
  }));
  return new Map(outputs);
}

describe('staged rollouts on 20 lab hosts', function () {
  this.timeout(600_000);

  before(async () => {
    lab = await ensureLab({ name: 'run', hosts: 50 });
    work = mkdtempSync(join(tmpdir(), 'airlock-rollout-'));
    twenty = lab.hosts.slice(0, 20).map((h) => h.name);
    limitFile = join(work, 'twenty-hosts');
    writeFileSync(limitFile, `${twenty.join('\n')}\n`);
    await onHosts(twenty, 'rm -f /srv/airlock-rollout-batch /srv/airlock-rerun-marker');
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('runs serial [1, "25%", "100%"] as batches of 1, 5 and 14, canary first', async () => {
    const result = await run('batches.yml', ['--limit', `@${limitFile}`]);
    expect(result.exitCode, result.stdout).to.equal(0);
    const batches = result.report.plays[0]?.batches?.map((b) => b.hosts.length);
    expect(batches).to.deep.equal([1, 5, 14]);
    const recorded = await onHosts(twenty, 'cat /srv/airlock-rollout-batch');
    const sizes = [...recorded.values()].sort((a, b) => Number(a) - Number(b));
    expect(sizes.filter((s) => s === '1')).to.have.length(1);
    expect(sizes.filter((s) => s === '5')).to.have.length(5);
    expect(sizes.filter((s) => s === '14')).to.have.length(14);
    expect(recorded.get(twenty[0] ?? ''), 'the canary group host goes first, alone').to.equal('1');
  });

  it('--rerun failed reaches exactly the hosts that failed last time', async () => {
    const failing = [twenty[3], twenty[7], twenty[12]] as string[];
    const first = await run('flaky.yml', ['--limit', `@${limitFile}`, '-e', JSON.stringify({ fail_on: failing })]);
    expect(first.exitCode).to.equal(2);
    await onHosts(twenty, 'rm -f /srv/airlock-rerun-marker');
    const rerun = await run('flaky.yml', ['--rerun', 'failed']);
    expect(rerun.exitCode, rerun.stdout).to.equal(0);
    expect(Object.keys(rerun.report.hosts).sort()).to.deep.equal([...failing].sort());
    const markers = await onHosts(twenty, 'test -e /srv/airlock-rerun-marker && echo yes || echo no');
    expect([...markers].filter(([, v]) => v === 'yes').map(([h]) => h).sort()).to.deep.equal([...failing].sort());
  });
});
