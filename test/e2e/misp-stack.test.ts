// The mission, end to end, on REAL MISP 2.5.1: install, re-install, update (canary first), roll back and a failed
// update, on 3 lab hosts that each run their own real LXD daemon, with the lab bundles (MISP from its source
// archives, Debian's MariaDB and Valkey; only misp-modules is a stand-in). Everything goes through the CLI an
// operator uses; every claim is checked as a user would: MISP's web login and REST API, `lxc`, `mariadb`.
// The lab and the images are built (once, cached) in `before`: if that fails, the tier fails; it never skips.
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
import { api, apiJson, inContainer, onHost as sshOnHost, webLogin } from './misp-client.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'airlock.js');
const PLAYBOOKS = join(ROOT, 'playbooks');
const MISP_VERSION = '2.5.1';

let lab: LabInfo;
let bundles: LabBundles;
let work: string;
let credentialsDir: string;
const timings: Record<string, number> = {};
/** per host: the event, attachment and user written before the update */
const written = new Map<string, { eventId: string; attachmentId: string; userId: string }>();

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
  const label = `${playbook} ${version}${inventories.length > 1 ? ' (sabotaged)' : ''}`;
  timings[label in timings ? `${label} again` : label] = Math.round((performance.now() - started) / 100) / 10;
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

const onHost = (host: string, command: string, input?: string): Promise<string> => sshOnHost(lab, host, command, input);

function credentials(host: string): Record<string, string> {
  return JSON.parse(readFileSync(join(credentialsDir, `${host}.json`), 'utf8')) as Record<string, string>;
}

/** The live revision's MISP URL and container names, from `airlock status`. */
async function live(host: string): Promise<{ url: string; misp: string; db: string; revision: number }> {
  const row = (await status()).get(host);
  return { url: `https://${row?.mispIp ?? '?'}`, misp: `misp-r${row?.revision}`, db: `mysql-r${row?.revision}`, revision: row?.revision ?? 0 };
}

async function mispApi<T>(host: string, method: string, path: string, body?: unknown): Promise<T> {
  const { url } = await live(host);
  return apiJson<T>(lab, host, url, credentials(host)['admin_api_key'] ?? '', method, path, body);
}

/** cake as MISP's OS user, inside the live MISP container (what an admin runs). */
async function cake(host: string, args: string[]): Promise<string> {
  const { misp } = await live(host);
  return onHost(host, inContainer(misp, ['sudo', '-H', '-u', 'www-data', '/var/www/MISP/app/Console/cake', ...args]));
}

/** SQL in the live database container, as root over its socket. */
async function sql(host: string, query: string): Promise<string> {
  const { db } = await live(host);
  return onHost(host, inContainer(db, ['mariadb', '-N', '-B', '-e', query, 'misp']));
}

interface MispEvent {
  Event: { id: string; info: string; Attribute: Array<{ id: string; type: string; value: string }> };
}

/** What each host must still have after an update (and after a rollback to the revision the data was written on). */
async function expectDataOf(host: string): Promise<void> {
  const mine = written.get(host);
  expect(mine, `data was written on ${host}`).not.to.equal(undefined);
  const event = await mispApi<MispEvent>(host, 'GET', `/events/view/${mine?.eventId}`);
  expect(event.Event.info).to.equal(`written on ${host} before the update`);
  expect(event.Event.Attribute.map((a) => `${a.type}=${a.value}`)).to.include.members(['ip-dst=192.0.2.7', 'attachment=evidence.txt']);
  const { url } = await live(host);
  const download = await api(lab, host, url, credentials(host)['admin_api_key'] ?? '', 'GET', `/attributes/download/${mine?.attachmentId}`);
  expect(download.body, 'the uploaded file').to.equal(`evidence from ${host}\n`);
  const user = await mispApi<{ User: { email: string } }>(host, 'GET', `/admin/users/view/${mine?.userId}`);
  expect(user.User.email).to.equal(`analyst@${host}.example`);
  expect(await cake(host, ['Admin', 'getSetting', 'MISP.welcome_text_top'])).to.contain(`welcome to ${host}`);
}

function hostsOf(): string[] {
  return lab.hosts.map((h) => h.name);
}

/** Where the third host's application pool lives: a file system of its own, so that the disk-full scenario fills
 * that pool alone (never the machine's disk). LXD's dir driver wants an empty directory, hence the subdirectory. */
const SMALL_POOL = '/srv/airlock-lab/app-pool';

/** The third host's `misp-app` pool on an 8 GiB (sparse) ext4 of its own, made before the install creates the pool.
 * `mount -o loop` frees the loop device when the host's mount namespace goes. */
async function smallAppPool(host: string): Promise<void> {
  await onHost(host, [
    'set -e',
    `if ! mountpoint -q ${SMALL_POOL}; then`,
    '  lxc profile delete app --project misp >/dev/null 2>&1 || true',
    '  lxc storage delete misp-app >/dev/null 2>&1 || true',
    `  mkdir -p ${SMALL_POOL} && rm -f ${SMALL_POOL}.img && truncate -s 8G ${SMALL_POOL}.img`,
    `  mkfs.ext4 -q -F ${SMALL_POOL}.img && mount -o loop ${SMALL_POOL}.img ${SMALL_POOL}`,
    'fi',
    `rm -f ${SMALL_POOL}/filler`,
    `lxc storage show misp-app >/dev/null 2>&1 || { mkdir -p ${SMALL_POOL}/lxd && lxc storage create misp-app dir source=${SMALL_POOL}/lxd >/dev/null; }`,
  ].join('\n'));
}

/** Rows written on a host's live MISP right before a step, to be found again after it. */
async function writeRow(host: string, what: string): Promise<string> {
  const info = `written on ${host} ${what}`;
  await mispApi(host, 'POST', '/events/add', { Event: { info, distribution: 0, threat_level_id: 4, analysis: 0 } });
  return info;
}

async function eventInfos(host: string): Promise<string[]> {
  const events = await mispApi<Array<{ Event?: { info: string }; info?: string }>>(host, 'GET', '/events/index');
  return events.map((e) => e.Event?.info ?? e.info ?? '');
}

/** Polls the host's operation record until the update reached a phase that changed the host (the worst instant);
 * returns that phase and the revision being built. */
async function untilHalfBuilt(host: string): Promise<{ phase: string; to: number }> {
  let seen = { phase: '', to: 0 };
  for (let i = 0; i < 600 && !['launched', 'data carried', 'configured'].includes(seen.phase); i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const text = await onHost(host, `cat ${OPERATION_RECORD} 2>/dev/null || true`);
    if (text !== '') seen = JSON.parse(text) as { phase: string; to: number };
  }
  return seen;
}

const OPERATION_RECORD = '/var/lib/airlock/stacks/misp.operation.json';

describe('real MISP stacks on a 3-host LXD lab (install, update, rollback)', function () {
  this.timeout(3_600_000);

  before(async () => {
    const started = performance.now();
    lab = await ensureLab({ name: 'e2e', hosts: 3, lxd: true });
    bundles = await ensureLabBundles({ cacheDir: DEFAULT_LAB_CACHE, log: (line) => process.stdout.write(`      ${line}\n`) });
    timings['lab + images (cached after the first run)'] = Math.round((performance.now() - started) / 100) / 10;
    work = mkdtempSync(join(tmpdir(), 'airlock-e2e-'));
    credentialsDir = join(work, 'credentials');
    // a lab left over from an earlier run starts clean: no stack record, no containers
    for (const host of hostsOf()) {
      await onHost(host, 'for c in $(lxc list --project misp --format csv -c n 2>/dev/null); do lxc delete --force --project misp "$c"; done; rm -rf /var/lib/airlock');
    }
    await smallAppPool(hostsOf()[2] ?? '');
  });

  after(() => {
    process.stdout.write(`      e2e timings (s): ${JSON.stringify(timings)}\n`);
    // the work dir holds the generated credentials: they must not outlive the test
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('installs v1 (real MISP 2.5.1) on every host: login and API work, secrets kept 0600 and never printed', async () => {
    const run = await play('install.yml', 'v1');
    expect(run.exitCode, run.stdout.slice(-3000)).to.equal(0);
    const rows = await status();
    for (const host of hostsOf()) {
      const row = rows.get(host);
      expect(row?.revision, host).to.equal(1);
      expect(row?.bundleVersion).to.equal('v1');
      expect(row?.versions?.['misp']).to.equal(`v${MISP_VERSION}`);
      expect(row?.containers?.every((c) => c.running), JSON.stringify(row?.containers)).to.equal(true);
      expect(run.stdout).to.contain(`MISP at https://${row?.mispIp}`);
      const file = join(credentialsDir, `${host}.json`);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      const secrets = credentials(host);
      for (const name of ['mysql_password', 'mysql_root_password', 'admin_password', 'gpg_passphrase', 'supervisor_password', 'admin_api_key']) {
        expect(secrets[name], name).to.match(/^[A-Za-z0-9]{32,40}$/);
        expect(run.stdout).not.to.contain(secrets[name]);
        expect(JSON.stringify(run.report)).not.to.contain(secrets[name]);
      }
      const url = `https://${row?.mispIp}`;
      // the web login, as a browser does it, with the generated password; MISP's default password no longer works
      const login = await webLogin(lab, host, url, 'admin@admin.test', secrets['admin_password'] ?? '');
      expect(login.redirect).to.equal(`${url}/users/routeafterlogin`);
      expect(login.sessionEmail, 'the session (in Valkey, over its socket) holds the user').to.equal('admin@admin.test');
      expect((await webLogin(lab, host, url, 'admin@admin.test', 'admin')).redirect).not.to.contain('routeafterlogin');
      // the API, with the captured key, reports the bundle's MISP version; a wrong key is refused
      const version = await apiJson<{ version: string }>(lab, host, url, secrets['admin_api_key'] ?? '', 'GET', '/servers/getVersion');
      expect(version.version).to.equal(MISP_VERSION);
      expect((await api(lab, host, url, 'x'.repeat(40), 'GET', '/servers/getVersion')).status).to.equal(403);
      // updateJSON loaded MISP's libraries
      expect((await apiJson<unknown[]>(lab, host, url, secrets['admin_api_key'] ?? '', 'GET', '/galaxies/index')).length).to.be.greaterThan(50);
      expect(Number(await sql(host, 'SELECT COUNT(*) FROM taxonomies'))).to.be.greaterThan(100);
      expect(Number(await sql(host, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'misp'"))).to.be.at.least(73);
      // upstream's install steps, as a MISP admin would check them
      const m = 'misp-r1';
      expect(await onHost(host, inContainer(m, ['stat', '-c', '%U', '/var/www/MISP/app/Config/config.php']))).to.equal('www-data');
      expect(await onHost(host, inContainer(m, ['sh', '-c', 'test -S /run/valkey/valkey.sock && echo socket']))).to.equal('socket');
      expect(await onHost(host, inContainer(m, ['sh', '-c', 'test -e /var/log/misp_install.log && echo present || echo removed']))).to.equal('removed');
      const databasePhp = await onHost(host, inContainer(m, ['cat', '/var/www/MISP/app/Config/database.php']));
      expect(databasePhp).to.contain("'host' => 'mysql-r1.lxd'").and.to.contain('PDO::ATTR_STRINGIFY_FETCHES => true');
      expect(await onHost(host, inContainer(m, ['head', '-1', '/var/www/MISP/app/webroot/gpg.asc']))).to.equal('-----BEGIN PGP PUBLIC KEY BLOCK-----');
      expect(await cake(host, ['Admin', 'getSetting', 'Plugin.Enrichment_services_enable'])).to.match(/true/);
      expect(await onHost(host, inContainer('valkey-r1', ['valkey-cli', '-p', '6380', 'ping']))).to.equal('PONG');
    }
  });

  it('changes nothing when install runs again', async () => {
    const run = await play('install.yml', 'v1');
    expect(run.exitCode).to.equal(0);
    for (const host of hostsOf()) expect(run.report.hosts[host]?.changed, host).to.equal(0);
  });

  it('updates to v2 canary first, carrying events, attributes, uploaded files, users and settings on every host', async () => {
    for (const host of hostsOf()) {
      const event = await mispApi<MispEvent>(host, 'POST', '/events/add', {
        Event: {
          info: `written on ${host} before the update`, distribution: 0, threat_level_id: 4, analysis: 0,
          Attribute: [
            { type: 'ip-dst', category: 'Network activity', value: '192.0.2.7', to_ids: false },
            { type: 'attachment', category: 'External analysis', value: 'evidence.txt', data: Buffer.from(`evidence from ${host}\n`).toString('base64') },
          ],
        },
      });
      const attachment = event.Event.Attribute.find((a) => a.type === 'attachment');
      const user = await mispApi<{ User: { id: string } }>(host, 'POST', '/admin/users/add', { email: `analyst@${host}.example`, org_id: 1, role_id: 3 });
      written.set(host, { eventId: event.Event.id, attachmentId: attachment?.id ?? '', userId: user.User.id });
      await cake(host, ['Admin', 'setSetting', 'MISP.welcome_text_top', `welcome to ${host}`]);
      await expectDataOf(host);
    }
    const run = await play('update.yml', 'v2');
    expect(run.exitCode, run.stdout.slice(-3000)).to.equal(0);
    const batches = run.report.plays[0]?.batches?.map((b) => b.hosts) ?? [];
    expect(batches[0], 'the canary goes alone, first').to.deep.equal([lab.hosts[0]?.name]);
    const rows = await status();
    for (const host of hostsOf()) {
      expect(rows.get(host)?.revision, host).to.equal(2);
      expect(rows.get(host)?.bundleVersion).to.equal('v2');
      expect(await onHost(host, inContainer('misp-r2', ['cat', '/etc/airlock-lab/build-id'])), 'the v2 build runs').to.equal('airlock-lab-v2');
      expect((await mispApi<{ version: string }>(host, 'GET', '/servers/getVersion')).version).to.equal(MISP_VERSION);
      await expectDataOf(host);
      expect(await onHost(host, inContainer('misp-r2', ['sh', '-c', 'find /var/www/MISP/app/files -path "*/[0-9]*/*" -type f ! -user www-data | wc -l'])), 'uploaded files keep their owner').to.equal('0');
      const login = await webLogin(lab, host, `https://${rows.get(host)?.mispIp}`, 'admin@admin.test', credentials(host)['admin_password'] ?? '');
      expect(login.sessionEmail).to.equal('admin@admin.test');
    }
  });

  it('rolls one host back to v1 with its data while the others stay on v2', async () => {
    const target = lab.hosts[1]?.name ?? '';
    // written after the update: a rollback returns the data as it was when the update began
    await mispApi(target, 'POST', '/events/add', { Event: { info: `written on ${target} after the update`, distribution: 0, threat_level_id: 4, analysis: 0 } });
    const started = performance.now();
    const run = await airlock(['rollback', target, '-i', lab.inventoryPath, '--output', 'plain']);
    timings['rollback'] = Math.round((performance.now() - started) / 100) / 10;
    expect(run.exitCode, run.stdout.slice(-3000)).to.equal(0);
    const rows = await status();
    expect(rows.get(target)?.revision).to.equal(1);
    expect(rows.get(target)?.bundleVersion).to.equal('v1');
    expect(await onHost(target, inContainer('misp-r1', ['cat', '/etc/airlock-lab/build-id']))).to.equal('airlock-lab-v1');
    await expectDataOf(target);
    const events = await mispApi<Array<{ Event?: { info: string }; info?: string }>>(target, 'GET', '/events/index');
    expect(events.map((e) => e.Event?.info ?? e.info)).not.to.include(`written on ${target} after the update`);
    for (const other of hostsOf().filter((h) => h !== target)) expect(rows.get(other)?.revision, other).to.equal(2);
  });

  it('restores the canary whose update fails, reports it rolled_back and halts the rollout', async () => {
    const canary = lab.hosts[0]?.name ?? '';
    // an operator's extra setting that real MISP refuses (MISP.live false needs --force): the canary's update fails
    const sabotage = join(work, 'sabotage.yml');
    writeFileSync(sabotage, `all:\n  hosts:\n    ${canary}:\n      misp_extra_settings:\n        MISP.live: "false"\n`);
    const before = await status();
    const run = await play('update.yml', 'v3', [], [lab.inventoryPath, sabotage]);
    expect(run.exitCode).to.equal(2);
    expect(run.report.hosts[canary]?.rolled_back, run.stdout.slice(-3000)).to.equal(1);
    expect(run.stdout).to.match(/ROLLOUT HALTED/);
    const after = await status();
    expect(after.get(canary)?.revision, 'the canary is back on its previous revision').to.equal(before.get(canary)?.revision);
    expect(after.get(canary)?.containers?.every((c) => c.running)).to.equal(true);
    await expectDataOf(canary);
    const login = await webLogin(lab, canary, `https://${after.get(canary)?.mispIp}`, 'admin@admin.test', credentials(canary)['admin_password'] ?? '');
    expect(login.sessionEmail, 'the restored MISP lets the admin in').to.equal('admin@admin.test');
    for (const other of hostsOf().filter((h) => h !== canary)) {
      expect(after.get(other)?.revision, `${other} was never touched`).to.equal(before.get(other)?.revision);
      expect(await onHost(other, 'lxc list --project misp --format csv -c n')).not.to.contain('-r3');
    }
  });

  it('an update killed mid-way is reported by status and undone by the re-run, rows kept; a second update meanwhile is refused', async () => {
    const canary = lab.hosts[0]?.name ?? '';
    const before = await status();
    const liveBefore = before.get(canary)?.revision ?? 0;
    await mispApi(canary, 'POST', '/events/add', { Event: { info: `written on ${canary} before the killed update`, distribution: 0, threat_level_id: 4, analysis: 0 } });
    const vars = JSON.stringify({ misp_bundle: bundles.bundles.v3, misp_bundle_trusted_keys: [bundles.publicKey], misp_hosts: 'lxd' });
    const started = performance.now();
    const first = execa('node', [BIN, 'run', join(PLAYBOOKS, 'update.yml'), '-i', lab.inventoryPath, '-l', canary, '-e', vars, '--output', 'plain'],
      { cwd: work, reject: false, env: { CI: 'true', AIRLOCK_CREDENTIALS_DIR: credentialsDir } });
    // wait until the update has built part of the new revision: the worst instant to lose the controller
    const recordPath = OPERATION_RECORD;
    const { phase } = await untilHalfBuilt(canary);
    expect(phase, 'the update reached a phase that changed the host').to.be.oneOf(['launched', 'data carried', 'configured']);

    // a second update on the same host while the first holds it: refused, naming the holder, within seconds
    const secondStarted = performance.now();
    const second = await airlock(['run', join(PLAYBOOKS, 'update.yml'), '-i', lab.inventoryPath, '-l', canary, '-e', vars, '--output', 'plain']);
    timings['concurrent update refused'] = Math.round((performance.now() - secondStarted) / 100) / 10;
    expect(second.exitCode, second.stdout.slice(-2000)).to.equal(2);
    expect(second.stdout).to.match(/another operation holds .*IN PROGRESS update r\d+ -> r\d+/);
    expect(timings['concurrent update refused']).to.be.lessThan(60);

    first.kill('SIGKILL');
    await first;
    const killedAt = JSON.parse(await onHost(canary, `cat ${recordPath}`)) as { phase: string };
    const shown = await airlock(['status', '-i', lab.inventoryPath, '-l', canary]);
    expect(shown.exitCode, 'status exits non-zero on an interrupted update').to.equal(2);
    expect(shown.stdout).to.contain(`${canary}: INTERRUPTED update r${liveBefore} -> r${liveBefore + 1} at "${killedAt.phase}"`);
    expect(shown.stdout).to.contain(`restore service: airlock rollback ${canary}`);

    const rerun = await play('update.yml', 'v3', ['-l', canary]);
    timings['killed update: interrupted + re-run'] = Math.round((performance.now() - started) / 100) / 10;
    expect(rerun.exitCode, rerun.stdout.slice(-3000)).to.equal(0);
    expect(rerun.stdout).to.match(/remove the half-built revision, stop any other one/);
    const after = await status();
    expect(after.get(canary)?.revision).to.equal(liveBefore + 1);
    expect(after.get(canary)?.bundleVersion).to.equal('v3');
    expect(after.get(canary)?.stray).to.deep.equal([]);
    await expectDataOf(canary);
    const events = await mispApi<Array<{ Event?: { info: string }; info?: string }>>(canary, 'GET', '/events/index');
    expect(events.map((e) => e.Event?.info ?? e.info)).to.include(`written on ${canary} before the killed update`);
    expect(await onHost(canary, `test -e ${recordPath} && echo open || echo none`)).to.equal('none');
  });
  it('a link cut for 45 s mid-update: status tells, the default rollback restores the pre-update revision with its rows, a re-run converges', async () => {
    const target = lab.hosts[1];
    const host = target?.name ?? '';
    const veth = target?.veth ?? '';
    expect(veth, 'the lab knows the host\'s link').not.to.equal('');
    const liveBefore = (await live(host)).revision;
    const beforeCut = await writeRow(host, 'before the link was cut');
    const vars = JSON.stringify({ misp_bundle: bundles.bundles.v3, misp_bundle_trusted_keys: [bundles.publicKey], misp_hosts: 'lxd' });
    const started = performance.now();
    const update = execa('node', [BIN, 'run', join(PLAYBOOKS, 'update.yml'), '-i', lab.inventoryPath, '-l', host, '-e', vars, '--output', 'plain'],
      { cwd: work, reject: false, env: { CI: 'true', AIRLOCK_CREDENTIALS_DIR: credentialsDir } });
    const { phase, to: halfBuilt } = await untilHalfBuilt(host);
    expect(phase, 'the update reached a phase that changed the host').to.be.oneOf(['launched', 'data carried', 'configured']);
    await execa('ip', ['link', 'set', veth, 'down']);
    try {
      await new Promise((resolve) => setTimeout(resolve, 45_000));
    } finally {
      await execa('ip', ['link', 'set', veth, 'up']);
    }
    const cut = await update;
    timings['link cut: update until it gave up'] = Math.round((performance.now() - started) / 100) / 10;
    expect(cut.exitCode, cut.stdout.slice(-3000)).not.to.equal(0);
    expect(cut.stdout).to.match(new RegExp(`${host}.*UNREACHABLE`));
    expect(cut.stdout, 'the summary names the host and the one command that restores it')
      .to.match(new RegExp(`${host}: update r${liveBefore} -> r\\d+ stopped at phase "[a-z ]+"; restore service: airlock rollback ${host} -i `));

    const shown = await airlock(['status', '-i', lab.inventoryPath, '-l', host]);
    expect(shown.exitCode, 'status exits non-zero on an interrupted update').to.equal(2);
    expect(shown.stdout).to.match(new RegExp(`${host}: INTERRUPTED update r${liveBefore} -> r${halfBuilt} at "[a-z ]+"`));

    const rollbackStarted = performance.now();
    const rollback = await airlock(['rollback', host, '-i', lab.inventoryPath, '--output', 'plain']);
    timings['link cut: default rollback'] = Math.round((performance.now() - rollbackStarted) / 100) / 10;
    expect(rollback.exitCode, rollback.stdout.slice(-3000)).to.equal(0);
    const restored = (await status()).get(host);
    expect(restored?.revision, 'the revision live before the update').to.equal(liveBefore);
    expect(restored?.containers?.every((c) => c.running)).to.equal(true);
    expect(restored?.stray).to.deep.equal([]);
    expect(await onHost(host, 'lxc list --project misp --format csv -c n'), 'no container of the half-built revision is left')
      .not.to.match(new RegExp(`-r${halfBuilt}$`, 'm'));
    expect(await onHost(host, `test -e ${OPERATION_RECORD} && echo open || echo none`)).to.equal('none');
    await expectDataOf(host);
    expect(await eventInfos(host)).to.include(beforeCut);

    const afterRollback = await writeRow(host, 'after the rollback of the cut update');
    const rerunStarted = performance.now();
    const rerun = await play('update.yml', 'v3', ['-l', host]);
    timings['link cut: re-run'] = Math.round((performance.now() - rerunStarted) / 100) / 10;
    expect(rerun.exitCode, rerun.stdout.slice(-3000)).to.equal(0);
    const updated = (await status()).get(host);
    expect(updated?.bundleVersion).to.equal('v3');
    expect(updated?.stray).to.deep.equal([]);
    await expectDataOf(host);
    expect(await eventInfos(host)).to.include.members([beforeCut, afterRollback]);

    // the rollback point of this update is the data of when it began, not an older snapshot of the same revision
    const back = await airlock(['rollback', host, '-i', lab.inventoryPath, '--output', 'plain']);
    expect(back.exitCode, back.stdout.slice(-3000)).to.equal(0);
    expect((await live(host)).revision).to.equal(liveBefore);
    expect(await eventInfos(host)).to.include.members([beforeCut, afterRollback]);
    timings['link cut: whole scenario'] = Math.round((performance.now() - started) / 100) / 10;
  });

  it('an update that fills the storage pool fails cleanly, names the pool, and leaves the previous revision running with its rows', async () => {
    const host = lab.hosts[2]?.name ?? '';
    const before = (await status()).get(host);
    const row = await writeRow(host, 'before the pool filled up');
    const imagesBefore = await onHost(host, 'lxc image list --format csv -c f | sort');
    // leave the pool 300 MiB: room for the running stack, not for the update's copies of it
    await onHost(host, `avail=$(df --output=avail -B1 ${SMALL_POOL} | tail -1); fallocate -l $((avail - 300 * 1024 * 1024)) ${SMALL_POOL}/filler`);
    const started = performance.now();
    try {
      const run = await play('update.yml', 'v3', ['-l', host]);
      timings['disk full: failed update and recovery'] = Math.round((performance.now() - started) / 100) / 10;
      expect(run.exitCode, run.stdout.slice(-3000)).to.equal(2);
      expect(run.report.hosts[host]?.rolled_back, run.stdout.slice(-3000)).to.equal(1);
      expect(run.stdout).to.contain('No space left on device');
      expect(run.stdout).to.contain("storage pool 'misp-app' is the fullest");
      const after = (await status()).get(host);
      expect(after?.revision, 'the previous revision is live').to.equal(before?.revision);
      expect(after?.containers?.every((c) => c.running)).to.equal(true);
      expect(after?.stray).to.deep.equal([]);
      expect(await onHost(host, `test -e ${OPERATION_RECORD} && echo open || echo none`)).to.equal('none');
      // nothing half written: no rollback point of the failed update, no new container, no image of its bundle
      const live = after?.revision ?? 0;
      expect(await onHost(host, `for c in $(lxc list --project misp --format csv -c n); do lxc info --project misp "$c" | grep -c "airlock-r${live}" || true; done | sort -u`)).to.equal('0');
      expect(await onHost(host, 'lxc list --project misp --format csv -c n')).not.to.match(new RegExp(`-r${live + 1}\\b`));
      expect(await onHost(host, 'lxc image list --format csv -c f | sort')).to.equal(imagesBefore);
      await expectDataOf(host);
      expect(await eventInfos(host)).to.include(row);
    } finally {
      await onHost(host, `rm -f ${SMALL_POOL}/filler`);
    }
  });
});
