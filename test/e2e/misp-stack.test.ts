// The mission, end to end: install, update (canary first), roll back, and a failed update, on 3 lab hosts that each
// run their own real LXD daemon, with the lab MISP bundles (real MariaDB and Redis; MISP and misp-modules as
// documented test doubles). Everything goes through the CLI an operator uses; every claim is checked on the hosts.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLab, type LabInfo } from '../support/lab.js';
import { DEFAULT_LAB_CACHE, ensureLabBundles, type LabBundles } from '../../src/lab/images/bundles.js';
import type { JsonReport } from '../../src/report/json.js';
import type { HostStackStatus } from '../../src/stack/status.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'airlock.js');
const PLAYBOOKS = join(ROOT, 'playbooks');

let lab: LabInfo;
let bundles: LabBundles;
let work: string;
let credentialsDir: string;
const timings: Record<string, number> = {};

interface CliRun {
  exitCode: number;
  stdout: string;
  report: JsonReport;
}

async function airlock(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa('node', [BIN, ...args], { cwd: work, reject: false, env: { CI: 'true', AIRLOCK_CREDENTIALS_DIR: credentialsDir } });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

async function play(playbook: string, version: keyof LabBundles['bundles'], extra: string[] = [], inventories: string[] = [lab.inventoryPath]): Promise<CliRun> {
  const reportPath = join(work, `${playbook}-${version}-${Date.now()}.json`);
  const vars = JSON.stringify({ misp_bundle: bundles.bundles[version], misp_bundle_trusted_keys: [bundles.publicKey], misp_hosts: 'lxd' });
  const started = performance.now();
  const run = await airlock(['run', join(PLAYBOOKS, playbook), ...inventories.flatMap((i) => ['-i', i]), '-e', vars, '--output', 'plain', '--json', reportPath, ...extra]);
  timings[`${playbook} ${version}${extra.length ? ` ${extra.join(' ')}` : ''}`] = Math.round((performance.now() - started) / 100) / 10;
  let report: JsonReport;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as JsonReport;
  } catch {
    throw new Error(`airlock run ${playbook} wrote no JSON report (exit ${run.exitCode}):\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`);
  }
  return { exitCode: run.exitCode, stdout: run.stdout, report };
}

async function status(): Promise<Map<string, HostStackStatus>> {
  const run = await airlock(['status', '-i', lab.inventoryPath, '-l', 'lxd', '--json']);
  expect(run.exitCode, run.stderr).to.equal(0);
  return new Map((JSON.parse(run.stdout) as HostStackStatus[]).map((row) => [row.host, row]));
}

/** A shell command on a lab host, through OpenSSH with the lab's own keys (independent of airlock's transport). */
async function onHost(host: string, command: string): Promise<string> {
  const result = await execa('ssh', ['-F', lab.sshConfigPath, host, command], { reject: false });
  if (result.exitCode !== 0) throw new Error(`ssh ${host} ${command}: ${result.stderr}`);
  return result.stdout;
}

function credentials(host: string): Record<string, string> {
  return JSON.parse(readFileSync(join(credentialsDir, `${host}.json`), 'utf8')) as Record<string, string>;
}

/** SQL through the MISP container, with MISP's own database user, as MISP itself writes. */
async function sqlViaMisp(host: string, sql: string): Promise<string> {
  const row = (await status()).get(host);
  const misp = `misp-r${row?.revision}`;
  const db = `mysql-r${row?.revision}`;
  const password = credentials(host)['mysql_password'] ?? '';
  return onHost(host, `lxc exec ${misp} --project misp --env MYSQL_PWD=${password} -- mariadb -h ${db}.lxd -u misp misp -N -B -e "${sql}"`);
}

function hostsOf(): string[] {
  return lab.hosts.map((h) => h.name);
}

describe('MISP stacks on a 3-host LXD lab (install, update, rollback)', function () {
  this.timeout(3_600_000);

  before(async () => {
    lab = await ensureLab({ name: 'e2e', hosts: 3, lxd: true });
    bundles = await ensureLabBundles({ cacheDir: DEFAULT_LAB_CACHE });
    work = mkdtempSync(join(tmpdir(), 'airlock-e2e-'));
    credentialsDir = join(work, 'credentials');
    // a lab left over from an earlier run starts clean: no stack record, no containers
    for (const host of hostsOf()) {
      await onHost(host, 'for c in $(lxc list --project misp --format csv -c n 2>/dev/null); do lxc delete --force --project misp "$c"; done; rm -rf /var/lib/airlock');
    }
  });

  after(() => {
    process.stdout.write(`      e2e timings (s): ${JSON.stringify(timings)}\n`);
    // the work dir holds the generated credentials: they must not outlive the test
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('installs v1 on every host, shows every MISP address, keeps credentials 0600 and never prints them', async () => {
    const run = await play('install.yml', 'v1');
    expect(run.exitCode, run.stdout.slice(-3000)).to.equal(0);
    const rows = await status();
    for (const host of hostsOf()) {
      const row = rows.get(host);
      expect(row?.revision, host).to.equal(1);
      expect(row?.bundleVersion).to.equal('v1');
      expect(row?.containers?.every((c) => c.running), JSON.stringify(row?.containers)).to.equal(true);
      expect(run.stdout).to.contain(`MISP at https://${row?.mispIp}`);
      const file = join(credentialsDir, `${host}.json`);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      const secrets = credentials(host);
      for (const name of ['mysql_password', 'mysql_root_password', 'admin_api_key']) {
        expect(secrets[name], name).to.match(/^[A-Za-z0-9]{32,40}$/);
        expect(run.stdout).not.to.contain(secrets[name]);
        expect(JSON.stringify(run.report)).not.to.contain(secrets[name]);
      }
      // the API key really works against the installed MISP
      const version = await onHost(host, `lxc exec misp-r1 --project misp -- curl -sk -H 'Authorization: ${secrets['admin_api_key']}' https://127.0.0.1/servers/getVersion`);
      expect(JSON.parse(version)).to.deep.equal({ version: 'v2.5.1' });
    }
  });

  it('changes nothing when install runs again', async () => {
    const run = await play('install.yml', 'v1');
    expect(run.exitCode).to.equal(0);
    for (const host of hostsOf()) expect(run.report.hosts[host]?.changed, host).to.equal(0);
  });

  it('updates to v2 canary first, carrying database rows and files on every host', async () => {
    for (const host of hostsOf()) {
      await sqlViaMisp(host, `INSERT INTO events (info) VALUES ('written on ${host} before the update')`);
      await onHost(host, "lxc exec misp-r1 --project misp -- sh -c 'echo evidence > /var/www/MISP/app/files/e2e.txt && chown 33:33 /var/www/MISP/app/files/e2e.txt'");
    }
    const run = await play('update.yml', 'v2');
    expect(run.exitCode, run.stdout.slice(-3000)).to.equal(0);
    const batches = run.report.plays[0]?.batches?.map((b) => b.hosts) ?? [];
    expect(batches[0], 'the canary goes alone, first').to.deep.equal([lab.hosts[0]?.name]);
    const rows = await status();
    for (const host of hostsOf()) {
      expect(rows.get(host)?.revision, host).to.equal(2);
      expect(rows.get(host)?.versions?.['misp']).to.equal('v2.5.2');
      expect(await sqlViaMisp(host, 'SELECT info FROM events')).to.contain(`written on ${host} before the update`);
      expect(await sqlViaMisp(host, 'SELECT version FROM db_version')).to.equal('2');
      expect(await onHost(host, 'lxc exec misp-r2 --project misp -- stat -c "%U %n" /var/www/MISP/app/files/e2e.txt')).to.equal('www-data /var/www/MISP/app/files/e2e.txt');
    }
  });

  it('rolls one host back to v1 with its data while the others stay on v2', async () => {
    const target = lab.hosts[1]?.name ?? '';
    const started = performance.now();
    const run = await airlock(['rollback', target, '-i', lab.inventoryPath, '--output', 'plain']);
    timings['rollback'] = Math.round((performance.now() - started) / 100) / 10;
    expect(run.exitCode, run.stdout.slice(-3000)).to.equal(0);
    const rows = await status();
    expect(rows.get(target)?.revision).to.equal(1);
    expect(rows.get(target)?.versions?.['misp']).to.equal('v2.5.1');
    expect(await sqlViaMisp(target, 'SELECT info FROM events')).to.contain(`written on ${target} before the update`);
    for (const other of hostsOf().filter((h) => h !== target)) expect(rows.get(other)?.revision, other).to.equal(2);
  });

  it('restores the canary whose new stack fails its health check, reports it rolled_back and halts the rollout', async () => {
    const canary = lab.hosts[0]?.name ?? '';
    // a setting that points MISP at a port where no key-value store listens: the new stack cannot become healthy
    const sabotage = join(work, 'sabotage.yml');
    writeFileSync(sabotage, `all:\n  hosts:\n    ${canary}:\n      misp_extra_settings:\n        MISP.redis_port: "1"\n`);
    const before = await status();
    const run = await play('update.yml', 'v3', [], [lab.inventoryPath, sabotage]);
    expect(run.exitCode).to.equal(2);
    expect(run.report.hosts[canary]?.rolled_back, run.stdout.slice(-3000)).to.equal(1);
    expect(run.stdout).to.match(/ROLLOUT HALTED/);
    const after = await status();
    expect(after.get(canary)?.revision, 'the canary is back on its previous revision').to.equal(before.get(canary)?.revision);
    expect(after.get(canary)?.containers?.every((c) => c.running)).to.equal(true);
    expect(await sqlViaMisp(canary, 'SELECT info FROM events')).to.contain(`written on ${canary} before the update`);
    for (const other of hostsOf().filter((h) => h !== canary)) {
      expect(after.get(other)?.revision, `${other} was never touched`).to.equal(before.get(other)?.revision);
      expect(await onHost(other, 'lxc list --project misp --format csv -c n')).not.to.contain('-r3');
    }
  });
});
