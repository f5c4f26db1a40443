// Images into a real LXD on a lab host (lab "bundlelxd"): the unified-image fingerprint claim, import after push,
// 0 bytes once LXD has the image, and a file corrupted on the host refused before import.
import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLab, type LabInfo } from '../../support/lab.js';
import { buildFromImages } from '../../../src/bundle/build.js';
import { openBundle, type OpenBundle } from '../../../src/bundle/bundle-dir.js';
import { pushBundle, importAlias, remoteManifestName } from '../../../src/bundle/push.js';
import { sha256File } from '../../../src/bundle/hash.js';
import { ensureLxdImage } from '../../../src/bundle/lxd-image.js';
import { sh } from '../../../src/util/shell.js';
import { labClients, onHost, writeBusyboxImage, type LabClients } from './helpers.js';
import { fileURLToPath } from 'node:url';

const AIRLOCK = fileURLToPath(new URL('../../../../bin/airlock.js', import.meta.url));

describe('bundle images into a real LXD on a lab host (integration)', function () {
  this.timeout(300_000);
  let lab: LabInfo;
  let clients: LabClients;
  let work: string;
  let bundle: OpenBundle;
  let host: string;
  const dest = '/srv/airlock-lxd-test';

  before(async () => {
    lab = await ensureLab({ name: 'bundlelxd', hosts: 1, lxd: true });
    clients = await labClients(lab);
    host = lab.hosts[0]?.name as string;
    work = mkdtempSync(join(tmpdir(), 'airlock-lxd-it-'));
    mkdirSync(join(work, 'images'));
    writeBusyboxImage(join(work, 'images', 'MISP_v9.9.2_abcdef1.tar.gz'), work, 'airlock-misp-test');
    writeBusyboxImage(join(work, 'images', 'MySQL_9.9.2.tar.gz'), work, 'airlock-mysql-test');
    await buildFromImages(join(work, 'images'), { outDir: join(work, 'bundle'), version: 'lxd1' });
    bundle = await openBundle(join(work, 'bundle'));
    const fingerprints = bundle.manifest.components.map((c) => c.lxd_fingerprint);
    await onHost(clients, host, sh`rm -rf ${dest}; for fp in ${fingerprints}; do lxc image delete "$fp" 2>/dev/null; done; true`);
  });

  after(async () => {
    if (clients) {
      const fingerprints = bundle?.manifest.components.map((c) => c.lxd_fingerprint) ?? [];
      await onHost(clients, host, sh`rm -rf ${dest}; for fp in ${fingerprints}; do lxc image delete "$fp" 2>/dev/null; done; true`).catch(() => undefined);
      await clients.close();
    }
    await bundle?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('push --import: LXD reports the SHA-256 of the unified tarball as its fingerprint; the upload is removed', async () => {
    const results = await pushBundle(bundle, [host], {
      destDir: dest, maxTransfers: 2, components: ['misp'], importImages: true, connect: (h) => clients.connect(h),
    });
    expect(results[0]?.status, results[0]?.error).to.equal('changed');
    const misp = bundle.manifest.components.find((c) => c.name === 'misp');
    const fileSha = (await sha256File(join(bundle.dir, misp?.file ?? ''))).sha256;
    // the claim the manifest relies on: fingerprint of a unified image == sha256 of its file
    const info = await onHost(clients, host, sh`lxc image info ${fileSha}`);
    expect(info).to.contain(`Fingerprint: ${fileSha}`);
    expect(info).to.contain(importAlias(misp as NonNullable<typeof misp>));
    expect(await onHost(clients, host, sh`ls ${dest}`)).to.equal(`${remoteManifestName(bundle)}\n`);
  });

  it('a second push sends 0 bytes because the host LXD already holds the fingerprint', async () => {
    const results = await pushBundle(bundle, [host], {
      destDir: dest, maxTransfers: 2, components: ['misp'], importImages: true, connect: (h) => clients.connect(h),
    });
    expect(results[0]?.status).to.equal('ok');
    expect(results[0]?.bytesSent).to.equal(0);
    expect(results[0]?.files[0]?.outcome.skipReason).to.equal('lxd_has_image');
  });

  it('bundle build --from-lxd (run on the LXD host) exports the image into a bundle with the same fingerprint', async () => {
    const misp = bundle.manifest.components.find((c) => c.name === 'misp');
    const out = `${dest}-fromlxd`;
    // the lab host shares /work and /usr with the controller, so the same airlock runs there against its own LXD
    await onHost(clients, host, sh`rm -rf ${out} && ${process.execPath} ${AIRLOCK} bundle build --from-lxd ${`misp=${importAlias(misp as NonNullable<typeof misp>)}`} -o ${out} --version fromlxd`);
    const manifest = JSON.parse(await onHost(clients, host, sh`cat ${`${out}/manifest.json`}`)) as { components: Array<{ name: string; lxd_fingerprint: string; sha256: string; size: number }> };
    await onHost(clients, host, sh`rm -rf ${out}`);
    expect(manifest.components).to.have.length(1);
    expect(manifest.components[0]).to.deep.include({ name: 'misp', lxd_fingerprint: misp?.lxd_fingerprint, sha256: misp?.lxd_fingerprint });
  });

  it('lxd_image refuses a file corrupted on the host before import, then imports the intact file by manifest + component', async () => {
    const results = await pushBundle(bundle, [host], { destDir: dest, maxTransfers: 2, components: ['mysql'], connect: (h) => clients.connect(h) });
    expect(results[0]?.status).to.equal('changed');
    const mysql = bundle.manifest.components.find((c) => c.name === 'mysql');
    const remoteFile = `${dest}/${mysql?.file ?? ''}`;
    const conn = await clients.connect(host);
    const run = (command: string) => conn.exec(command);
    const manifestOnHost = `${dest}/${remoteManifestName(bundle)}`;

    await onHost(clients, host, sh`cp ${remoteFile} ${`${remoteFile}.orig`} && printf X | dd of=${remoteFile} bs=1 seek=2000 conv=notrunc 2>/dev/null`);
    const refused = await ensureLxdImage(run, { manifest: manifestOnHost, component: 'mysql', alias: 'mysql-test', state: 'present', keep_file: true }, false);
    expect(refused.failed).to.equal(true);
    expect(refused.msg).to.contain(`refusing to import ${remoteFile}: sha256 on the host is`);
    expect(refused.msg).to.contain(`expected ${mysql?.sha256}`);
    expect((await conn.exec(sh`lxc image info ${mysql?.lxd_fingerprint ?? ''}`)).rc).to.not.equal(0);

    await onHost(clients, host, sh`mv -f ${`${remoteFile}.orig`} ${remoteFile}`);
    const imported = await ensureLxdImage(run, { manifest: manifestOnHost, component: 'mysql', alias: 'mysql-test', state: 'present', keep_file: false }, false);
    expect(imported).to.deep.include({ changed: true, fingerprint: mysql?.lxd_fingerprint });
    const again = await ensureLxdImage(run, { manifest: manifestOnHost, component: 'mysql', alias: 'mysql-test', state: 'present', keep_file: false }, false);
    expect(again.changed).to.equal(false);
  });
});
