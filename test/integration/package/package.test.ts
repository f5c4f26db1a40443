// issue 8: the packaged artifact is all an air-gapped workstation gets. Build it in-process, unpack it under /tmp
// (far from the checkout and any node_modules), and use it the way an operator would: check the checksum, ask the
// version, read an inventory, run a local playbook with no network at all and the checkout hidden, and run a
// playbook over SSH against a lab host, all through bin/airlock with plain node.
import { expect } from 'chai';
import { execa, type Result } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageAirlock, readVersion, type PackageResult } from '../../../scripts/package/artifact.js';
import { ensureLab } from '../../support/lab.js';
import type { JsonReport } from '../../../src/report/json.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');
const NETNS = 'airlock-pkg-test';
const LAB = 'pkg';

let scratch: string;
let artifact: PackageResult;
/** the unpacked airlock-<version>/ */
let home: string;
/** an operator's working directory beside (not inside) the unpacked tree */
let workdir: string;

/** What a bare workstation shell has: PATH and HOME, no NODE_PATH/NODE_OPTIONS, nothing pointing at the checkout. */
function bareEnv(): Record<string, string> {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: workdir, LANG: 'C.UTF-8', CI: 'true' };
}

/**
 * Runs the command in a private mount namespace in which an empty tmpfs covers the checkout: whatever the artifact
 * needs must come from the artifact (nothing is moved; the cover vanishes with the process).
 */
function checkoutHidden(): string[] {
  return ['unshare', '-m', 'sh', '-c', 'mount -t tmpfs airlock-hidden "$1" && shift && exec "$@"', 'sh', ROOT];
}

const BARE_OPTIONS = { extendEnv: false, reject: false, all: true } as const;
type BareResult = Result<typeof BARE_OPTIONS>;

/** Runs a command line the way the operator's shell would: bare environment, cwd beside the unpacked tree. */
function bare(command: string[]): Promise<BareResult> {
  return execa(command[0] ?? 'sh', command.slice(1), { ...BARE_OPTIONS, cwd: workdir, env: bareEnv() });
}

function airlock(args: string[], prefix: string[] = []): Promise<BareResult> {
  return bare([...prefix, join(home, 'bin', 'airlock'), ...args]);
}

function readReport(path: string, run: BareResult): JsonReport {
  if (!existsSync(path)) throw new Error(`no JSON report (exit ${String(run.exitCode)}):\n${run.all}`);
  return JSON.parse(readFileSync(path, 'utf8')) as JsonReport;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [path, ...filesUnder(path)] : [path];
  });
}

async function deleteNetns(): Promise<void> {
  await execa('ip', ['netns', 'delete', NETNS], { reject: false });
}

describe('packaged artifact (npm run package) on an air-gapped workstation', function () {
  before(async function () {
    scratch = mkdtempSync('/tmp/airlock-pkg-');
    artifact = await packageAirlock({ projectRoot: ROOT, outDir: join(scratch, 'carried') });
    const unpackDir = join(scratch, 'opt');
    mkdirSync(unpackDir);
    await execa('tar', ['-xzf', artifact.tarball, '-C', unpackDir]);
    home = join(unpackDir, `airlock-${artifact.version}`);
    workdir = join(scratch, 'operator');
    mkdirSync(workdir);
  });

  after(async function () {
    await deleteNetns();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it('writes airlock-<version>.tar.gz and a checksum that sha256sum -c accepts', async function () {
    expect(basename(artifact.tarball)).to.equal(`airlock-${await readVersion(ROOT)}.tar.gz`);
    const check = await execa('sha256sum', ['-c', basename(artifact.checksumFile)], { cwd: dirname(artifact.checksumFile), reject: false });
    expect(check.exitCode, check.stderr).to.equal(0);
    expect(check.stdout).to.equal(`airlock-${artifact.version}.tar.gz: OK`);
  });

  it('holds one bundled script, the launcher, roles, playbooks, example inventories and README, and no node_modules', function () {
    const files = filesUnder(home).map((path) => path.slice(home.length + 1));
    expect(files).to.include.members(['bin/airlock', 'lib/airlock.mjs', 'README.md', 'playbooks/update.yml', 'inventories/example-enclave.yml']);
    expect(files.some((f) => f.startsWith('roles/misp_update/'))).to.equal(true);
    expect(files.filter((f) => /(^|\/)node_modules(\/|$)/.test(f)), 'node_modules in the artifact').to.deep.equal([]);
    expect(files.filter((f) => f.endsWith('.node')), 'native add-ons in the artifact').to.deep.equal([]);
    expect(files.filter((f) => /^inventories\/lab.*\.ya?ml$/.test(f)), 'lab inventories in the artifact').to.deep.equal([]);
    expect(files.filter((f) => f.startsWith('lib/') && /\.m?js$/.test(f)).sort()).to.deep.equal(['lib/airlock.mjs', 'lib/main.js']);
    // no node_modules anywhere above the operator's directory either: nothing for Node's resolution to fall back on
    for (let dir = workdir; dir !== '/'; dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), dir).to.equal(false);
    expect(existsSync('/node_modules')).to.equal(false);
  });

  it('answers --version with plain node, no NODE_PATH and the checkout hidden, through the launcher and the rollback re-entry path', async function () {
    const viaLauncher = await airlock(['--version'], checkoutHidden());
    expect(viaLauncher.exitCode, viaLauncher.all).to.equal(0);
    expect(viaLauncher.stdout.trim()).to.equal(await readVersion(ROOT));
    // `airlock rollback` re-runs the CLI as `node <module dir>/main.js`: that file must be the bundle too
    const viaShim = await bare([...checkoutHidden(), 'node', join(home, 'lib', 'main.js'), '--version']);
    expect(viaShim.exitCode, viaShim.all).to.equal(0);
    expect(viaShim.stdout.trim()).to.equal(artifact.version);
  });

  it('reads the shipped example inventory (inventory --list) with the checkout hidden', async function () {
    const listed = await airlock(['inventory', '-i', join(home, 'inventories', 'example-enclave.yml'), '--list'], checkoutHidden());
    expect(listed.exitCode, listed.all).to.equal(0);
    const inventory = JSON.parse(listed.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> }; site_north?: { hosts?: string[] } };
    expect(inventory.site_north?.hosts).to.include('misp-n01.enclave.internal');
    expect(inventory._meta.hostvars['misp-s03.enclave.internal']?.['site']).to.equal('south');
  });

  it('runs a local playbook inside a loopback-only network namespace with the checkout hidden', async function () {
    await deleteNetns();
    await execa('ip', ['netns', 'add', NETNS]);
    await execa('ip', ['netns', 'exec', NETNS, 'ip', 'link', 'set', 'lo', 'up']);
    const links = await execa('ip', ['netns', 'exec', NETNS, 'ip', '-o', 'link', 'show']);
    expect(links.stdout.trim().split('\n').map((line) => line.split(':')[1]?.trim())).to.deep.equal(['lo']);

    const project = join(workdir, 'local');
    const out = join(project, 'out');
    mkdirSync(join(project, 'templates'), { recursive: true });
    writeFileSync(join(project, 'inventory.ini'), 'workstation ansible_connection=local\n');
    writeFileSync(join(project, 'templates', 'motd.j2'), 'managed by airlock on {{ inventory_hostname }}: {{ items | join(",") }}\n');
    writeFileSync(
      join(project, 'local.yml'),
      [
        '- hosts: workstation',
        '  gather_facts: false',
        '  vars:',
        '    items: [a, b, c]',
        '  tasks:',
        '    - name: the checkout is not visible from here',
        '      stat: { path: "{{ checkout }}/package.json" }',
        '      register: checkout_pkg',
        '    - assert: { that: ["not checkout_pkg.stat.exists"] }',
        '    - name: output directory',
        '      file: { path: "{{ out }}", state: directory, mode: "0755" }',
        '    - name: a command',
        '      command: printf %s airgapped',
        '      register: said',
        '      changed_when: false',
        '    - name: copy its output',
        '      copy: { content: "{{ said.stdout }}\\n", dest: "{{ out }}/said.txt" }',
        '    - name: render a template',
        '      template: { src: motd.j2, dest: "{{ out }}/motd" }',
        '',
      ].join('\n'),
    );
    const reportPath = join(workdir, 'local-report.json');
    const hideCheckout = ['ip', 'netns', 'exec', NETNS, ...checkoutHidden()];
    const args = ['run', join(project, 'local.yml'), '-i', join(project, 'inventory.ini'), '-e', `checkout=${ROOT}`, '-e', `out=${out}`, '--output', 'plain', '--json', reportPath];
    const run = await airlock(args, hideCheckout);
    const report = readReport(reportPath, run);
    expect(run.exitCode, run.all).to.equal(0);
    expect(report.hosts['workstation']).to.include({ failed: 0, unreachable: 0 });
    expect(readFileSync(join(out, 'said.txt'), 'utf8')).to.equal('airgapped\n');
    expect(readFileSync(join(out, 'motd'), 'utf8')).to.equal('managed by airlock on workstation: a,b,c\n');

    const again = await airlock([...args.slice(0, -1), `${reportPath}.2`], hideCheckout);
    expect(again.exitCode, again.all).to.equal(0);
    expect(readReport(`${reportPath}.2`, again).hosts['workstation']?.changed, 'second run changes nothing').to.equal(0);
  });

  it('runs a playbook over SSH (pure-JS ssh2 inside the bundle) against a lab host', async function () {
    const lab = await ensureLab({ name: LAB, hosts: 1 });
    const host = lab.hosts[0]?.name ?? '';
    const marker = `/srv/airlock-pkg-${process.pid}`;
    const playbook = join(workdir, 'remote.yml');
    writeFileSync(
      playbook,
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - command: cat /etc/hostname',
        '      register: name',
        '      changed_when: false',
        '    - copy: { content: "{{ inventory_hostname }} says {{ name.stdout }}\\n", dest: "{{ marker }}/hello.txt" }',
        '      notify: never mind',
        '    - file: { path: "{{ marker }}", state: directory }',
        '  handlers:',
        '    - name: never mind',
        '      debug: { msg: copied }',
        '',
      ].join('\n'),
    );
    const reportPath = join(workdir, 'remote-report.json');
    try {
      const mkdir = await execa('ssh', ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', host, `mkdir -p ${marker}`], { reject: false });
      expect(mkdir.exitCode, mkdir.stderr).to.equal(0);
      const run = await airlock(['run', playbook, '-i', lab.inventoryPath, '--limit', host, '-e', `marker=${marker}`, '--output', 'plain', '--json', reportPath]);
      const report = readReport(reportPath, run);
      expect(run.exitCode, run.all).to.equal(0);
      expect(report.hosts[host]).to.include({ failed: 0, unreachable: 0, changed: 1 });
      const onHost = await execa('ssh', ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', host, `cat ${marker}/hello.txt; cat /etc/hostname`], { reject: false });
      const [written, hostname] = onHost.stdout.split('\n');
      expect(written).to.equal(`${host} says ${hostname ?? ''}`);
    } finally {
      await execa('ssh', ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', host, `rm -rf ${marker}`], { reject: false });
    }
  });
});
