// Pushing bundles to real SSH hosts (lab "bundle"): parallel push, resume after an interruption, a dropped link
// retried within the run, 0 bytes the second time, and the refusals (tampered image, bad signature, no room).
import { expect } from 'chai';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabInfo } from '../../support/lab.js';
import { dropSessions, pathOnHost } from '../../support/lab-hosts.js';
import { buildFromImages } from '../../../src/bundle/build.js';
import type { OpenBundle } from '../../../src/bundle/bundle-dir.js';
import { pushBundle, type BundlePushOptions } from '../../../src/bundle/push.js';
import { pushFile } from '../../../src/bundle/transfer.js';
import { generateSigningKey, signBundleDir } from '../../../src/bundle/signing.js';
import { sh } from '../../../src/util/shell.js';
import { bundleLab, onHost, runAirlock, writePushPlaybook, writeRandomFile, type LabClients } from './helpers.js';

const AIRLOCK = fileURLToPath(new URL('../../../../bin/airlock.js', import.meta.url));
const MIB = 1024 * 1024;
const BIG = 40 * MIB;

describe('bundle push to lab hosts (integration)', function () {
  this.timeout(180_000);
  let lab: LabInfo;
  let clients: LabClients;
  let work: string;
  let bundleDir: string;
  let bundle: OpenBundle;
  let hosts: string[];
  const dest = '/srv/airlock-bundle-test';

  function options(extra: Partial<BundlePushOptions> = {}): BundlePushOptions {
    return { destDir: dest, maxTransfers: 3, connect: (host) => clients.connect(host), reconnect: (host) => clients.connect(host), ...extra };
  }

  before(async () => {
    ({ lab, clients, hosts, work, bundleDir, bundle } = await bundleLab('bundle', 5, { 'MISP_v9.9.1_abcdef0.tar.gz': BIG, 'MySQL_10.11.9.tar.gz': 3 * MIB }, 'it1'));
    await Promise.all(hosts.map((host) => onHost(clients, host, sh`rm -rf ${dest} ${`${dest}-resume`} ${`${dest}-drop`}`)));
  });

  after(async () => {
    if (clients) {
      await Promise.all(hosts.map((host) => onHost(clients, host, sh`umount ${`${dest}-tiny`} 2>/dev/null; rm -rf ${dest} ${`${dest}-resume`} ${`${dest}-drop`} ${`${dest}-tiny`} ${`${dest}-module`}`).catch(() => undefined)));
      await clients.close();
    }
    await bundle?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('pushes to 5 hosts in parallel; every host holds byte-identical files under their final names', async () => {
    const results = await pushBundle(bundle, hosts, options());
    expect(results.map((r) => [r.host, r.status, r.error])).to.deep.equal(hosts.map((h) => [h, 'changed', undefined]));
    for (const result of results) expect(result.bytesSent).to.equal(BIG + 3 * MIB);
    for (const host of hosts) {
      const sums = await onHost(clients, host, sh`cd ${dest} && sha256sum MISP_v9.9.1_abcdef0.tar.gz MySQL_10.11.9.tar.gz && ls`);
      expect(sums).to.contain(`${bundle.manifest.components[0]?.sha256}  MISP_v9.9.1_abcdef0.tar.gz`);
      expect(sums).to.contain(`${bundle.manifest.components[1]?.sha256}  MySQL_10.11.9.tar.gz`);
      expect(sums).to.contain('misp_it1.manifest.json');
      expect(sums).not.to.contain('.part');
    }
  });

  it('a second push sends 0 bytes and reports every host ok', async () => {
    const results = await pushBundle(bundle, hosts, options());
    expect(results.map((r) => [r.status, r.bytesSent, r.skipped])).to.deep.equal(hosts.map(() => ['ok', 0, 2]));
  });

  it('a push interrupted half-way resumes and sends at most ~55% of the bytes the second time', async () => {
    const host = hosts[0] as string;
    const abort = new AbortController();
    const first = await pushBundle(bundle, [host], options({
      destDir: `${dest}-resume`, components: ['misp'], signal: abort.signal,
      onProgress: (_h, _c, progress) => { if (progress.bytesSent >= BIG / 2) abort.abort(new Error('simulated interruption')); },
    }));
    expect(first[0]?.status).to.equal('failed');
    const partSize = Number(await onHost(clients, host, sh`stat -c %s ${`${dest}-resume/MISP_v9.9.1_abcdef0.tar.gz.part`}`));
    expect(partSize).to.be.greaterThan(0.4 * BIG);
    const second = await pushBundle(bundle, [host], options({ destDir: `${dest}-resume`, components: ['misp'] }));
    expect(second[0]?.status).to.equal('changed');
    expect(second[0]?.bytesSent).to.be.at.most(0.55 * BIG);
    expect(second[0]?.files[0]?.outcome.resumedFrom).to.equal(partSize);
    const sum = await onHost(clients, host, sh`sha256sum ${`${dest}-resume/MISP_v9.9.1_abcdef0.tar.gz`}`);
    expect(sum.split(' ')[0]).to.equal(bundle.manifest.components[0]?.sha256);
  });

  it('a link dropped mid-transfer is reconnected and resumed within the same run', async () => {
    const host = hosts[1] as string;
    let dropped = false;
    const results = await pushBundle(bundle, [host], options({
      destDir: `${dest}-drop`, components: ['misp'],
      onProgress: (_h, _c, progress) => {
        if (!dropped && progress.bytesSent >= BIG / 2) {
          dropped = true;
          void clients.connect(host).then((conn) => conn.close());
        }
      },
    }));
    expect(dropped).to.equal(true);
    expect(results[0]?.status, results[0]?.error).to.equal('changed');
    expect(results[0]?.files[0]?.outcome.attempts).to.be.greaterThan(1);
    expect(results[0]?.bytesSent).to.be.lessThan(1.2 * BIG);
    const sum = await onHost(clients, host, sh`sha256sum ${`${dest}-drop/MISP_v9.9.1_abcdef0.tar.gz`}`);
    expect(sum.split(' ')[0]).to.equal(bundle.manifest.components[0]?.sha256);
  });

  it('the bundle_push module in a playbook survives its host dropping every connection mid-transfer', async () => {
    const host = hosts[2] as string;
    const destDir = `${dest}-module`;
    // a partial file left by an earlier run would be resumed past the point where the link is dropped
    await onHost(clients, host, sh`rm -rf ${destDir}`);
    const playbook = join(work, 'push-module.yml');
    writePushPlaybook(playbook, [host], { bundle: bundleDir, dest: destDir, components: ['misp'], insecure_skip_signature: true });
    const run = execa('node', [AIRLOCK, 'run', playbook, '-i', lab.inventoryPath, '--output', 'plain'], { cwd: work, reject: false, env: { CI: 'true' } });
    // watched from here, without an SSH session that dropping the host's sessions would end too
    const part = pathOnHost(lab, host, `${destDir}/MISP_v9.9.1_abcdef0.tar.gz.part`);
    let killed = false;
    while (!killed && run.exitCode === null) {
      if (existsSync(part) && statSync(part).size >= BIG / 4) killed = dropSessions(lab, host) > 0;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const result = await run;
    expect(killed, 'the upload finished before the link could be dropped').to.equal(true);
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).to.equal(0);
    expect(result.stdout).to.match(/changed: \[/);
    const sum = await onHost(clients, host, sh`sha256sum ${`${destDir}/MISP_v9.9.1_abcdef0.tar.gz`}`);
    expect(sum.split(' ')[0]).to.equal(bundle.manifest.components[0]?.sha256);
  });

  it('a host without room fails clearly before sending; the others succeed; exit code 2', async () => {
    const full = hosts[4] as string;
    const tiny = `${dest}-tiny`;
    // a 1 MiB tmpfs on the destination, inside that host's own mount namespace (sshd runs there)
    await onHost(clients, full, sh`mkdir -p ${tiny} && mount -t tmpfs -o size=1m tmpfs ${tiny}`);
    const run = await runAirlock(['bundle', 'push', bundleDir, '-i', lab.inventoryPath, '-l', hosts.slice(3, 5).join(','), '--dest', tiny, '--insecure-skip-signature', '--components', 'mysql']);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stdout).to.match(new RegExp(`${full}: failed, 0 B sent .*needs 3\\.0 MiB \\(3145728 bytes\\), has 1\\.0 MiB \\(1048576 bytes\\) free on ${tiny}`));
    expect(run.stdout).to.match(new RegExp(`${hosts[3]}: changed, 3\\.0 MiB sent`));
    expect(await onHost(clients, full, sh`ls -A ${tiny}`)).to.equal('');
  });

  it('bytes that do not hash to what the manifest says are refused on the host itself: no final file, no .part', async () => {
    // the controller's copy is fine; the host is told to expect another hash, as it would be after a corrupting link
    const component = bundle.manifest.components[0];
    if (!component) throw new Error('the test bundle has no component');
    const wrongDest = `${dest}-mismatch`;
    const host = hosts[0] as string;
    const error = await pushFile(await clients.connect(host), {
      localPath: join(bundleDir, component.file), destDir: wrongDest, fileName: component.file, size: component.size, sha256: 'f'.repeat(64),
    }).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.contain(`sha256 mismatch on arrival: expected ${'f'.repeat(64)}, host computed ${component.sha256}`);
    expect(await onHost(clients, host, sh`ls -A ${wrongDest}; rm -rf ${wrongDest}`)).to.equal('');
  });

  it('a tampered image is refused on the controller before anything is uploaded', async () => {
    const tamperedDir = join(work, 'tampered');
    await buildFromImages(join(work, 'images'), { outDir: tamperedDir, version: 'it2' });
    rmSync(join(tamperedDir, 'MySQL_10.11.9.tar.gz'));
    writeRandomFile(join(tamperedDir, 'MySQL_10.11.9.tar.gz'), 3 * MIB);
    const run = await runAirlock(['bundle', 'push', tamperedDir, '-i', lab.inventoryPath, '-l', hosts[2] as string, '--dest', `${dest}-tampered`, '--insecure-skip-signature']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/component mysql \(MySQL_10\.11\.9\.tar\.gz\): sha256 mismatch: expected [0-9a-f]{64}, actual [0-9a-f]{64}/);
    expect(await onHost(clients, hosts[2] as string, sh`test -e ${`${dest}-tampered`} && echo exists || echo absent`)).to.equal('absent\n');
  });

  it('a bundle signed by an untrusted key is refused before upload; the trusted key lets it through', async () => {
    const signedDir = join(work, 'signed');
    await buildFromImages(join(work, 'images'), { outDir: signedDir, version: 'it3' });
    const enclave = await generateSigningKey(join(work, 'enclave.key'));
    const intruder = await generateSigningKey(join(work, 'intruder.key'));
    await signBundleDir(signedDir, intruder.privatePath);
    const refused = await runAirlock(['bundle', 'push', signedDir, '-i', lab.inventoryPath, '-l', hosts[2] as string, '--dest', `${dest}-signed`, '--trusted-key', enclave.publicPath, '--components', 'mysql']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain(`manifest.json.sig: bad manifest signature: signed by key ${intruder.keyId}, which is not among the trusted keys (${enclave.keyId})`);
    expect(await onHost(clients, hosts[2] as string, sh`test -e ${`${dest}-signed`} && echo exists || echo absent`)).to.equal('absent\n');
    await signBundleDir(signedDir, enclave.privatePath);
    const accepted = await runAirlock(['bundle', 'push', signedDir, '-i', lab.inventoryPath, '-l', hosts[2] as string, '--dest', `${dest}-signed`, '--trusted-key', enclave.publicPath, '--components', 'mysql']);
    expect(accepted.code, accepted.stderr).to.equal(0);
    await onHost(clients, hosts[2] as string, sh`rm -rf ${`${dest}-signed`}`);
    writeFileSync(join(work, 'done'), '');
  });
});
