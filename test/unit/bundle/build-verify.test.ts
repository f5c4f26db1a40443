import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFromImages } from '../../../src/bundle/build.js';
import { openBundle } from '../../../src/bundle/bundle-dir.js';
import { verifyBundle, formatProblems } from '../../../src/bundle/verify.js';
import { generateSigningKey, signBundleDir } from '../../../src/bundle/signing.js';
import { openVerifiedBundle } from '../../../src/bundle/gate.js';
import { sha256File } from '../../../src/bundle/hash.js';

describe('bundle build + verify on the controller', () => {
  let root: string;
  let images: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'airlock-build-'));
    images = join(root, 'images');
    mkdirSync(images);
    writeFileSync(join(images, 'MISP_v2.5.17_4a6d4c3.tar.gz'), randomBytes(200_000));
    writeFileSync(join(images, 'MySQL_10.11.6.tar.gz'), randomBytes(100_000));
    writeFileSync(join(images, 'MySQL_10.11.6.tar.gz.sig'), randomBytes(100));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds a manifest from upstream names with sizes, hashes, fingerprints and signatures', async () => {
    const { manifest } = await buildFromImages(images, { outDir: join(root, 'b'), now: new Date('2025-01-02T03:04:05Z') });
    expect(manifest).to.deep.include({ format: 1, name: 'misp', version: 'v2.5.17', created: '2025-01-02T03:04:05Z' });
    const mysql = manifest.components.find((c) => c.name === 'mysql');
    const expected = await sha256File(join(images, 'MySQL_10.11.6.tar.gz'));
    expect(mysql).to.deep.equal({ name: 'mysql', file: 'MySQL_10.11.6.tar.gz', size: 100_000, sha256: expected.sha256, lxd_fingerprint: expected.sha256, upstream_version: '10.11.6', signature: 'MySQL_10.11.6.tar.gz.sig' });
    expect(manifest.components.find((c) => c.name === 'misp')?.upstream_commit).to.equal('4a6d4c3');
  });

  it('refuses an unknown file name, naming the file and the expected names', async () => {
    writeFileSync(join(images, 'postgres.tar.gz'), 'x');
    const error = await buildFromImages(images, { outDir: join(root, 'b') }).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).to.contain("postgres.tar.gz: unknown image file name 'postgres.tar.gz': expected MISP_<tag>_<commit>.tar.gz");
  });

  it('a --tar bundle opens and verifies like the directory', async () => {
    const built = await buildFromImages(images, { outDir: join(root, 'b'), tar: true });
    expect(built.tarPath).to.equal(join(root, 'b.tar'));
    const bundle = await openBundle(join(root, 'b.tar'));
    const report = await verifyBundle(bundle);
    await bundle.close();
    expect(report.problems).to.deep.equal([]);
    expect(existsSync(bundle.dir)).to.equal(false);
  });

  it('names component, file, expected and actual for a tampered or truncated image', async () => {
    await buildFromImages(images, { outDir: join(root, 'b') });
    // the bundle holds hard links: write new files instead of modifying the sources through them
    rmSync(join(root, 'b', 'MySQL_10.11.6.tar.gz'));
    writeFileSync(join(root, 'b', 'MySQL_10.11.6.tar.gz'), randomBytes(100_000));
    rmSync(join(root, 'b', 'MISP_v2.5.17_4a6d4c3.tar.gz'));
    writeFileSync(join(root, 'b', 'MISP_v2.5.17_4a6d4c3.tar.gz'), randomBytes(10));
    const bundle = await openBundle(join(root, 'b'));
    const lines = formatProblems((await verifyBundle(bundle)).problems);
    expect(lines[0]).to.equal('component misp (MISP_v2.5.17_4a6d4c3.tar.gz): size mismatch: expected 200000 bytes, found 10');
    expect(lines[1]).to.match(/^component mysql \(MySQL_10\.11\.6\.tar\.gz\): sha256 mismatch: expected [0-9a-f]{64}, actual [0-9a-f]{64}$/);
  });

  it('a manifest signed by a trusted key makes the bundle signed; an edited manifest is refused', async () => {
    await buildFromImages(images, { outDir: join(root, 'b') });
    const keys = await generateSigningKey(join(root, 'enclave.key'));
    await signBundleDir(join(root, 'b'), keys.privatePath);
    const gated = await openVerifiedBundle(join(root, 'b'), { trustedKeyPaths: [keys.publicPath] });
    expect(gated.report).to.deep.include({ signed: true, manifestSignature: 'verified', manifestSignerKeyId: keys.keyId });
    appendFileSync(join(root, 'b', 'manifest.json'), ' ');
    const error = await openVerifiedBundle(join(root, 'b'), { trustedKeyPaths: [keys.publicPath] }).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).to.contain('manifest.json.sig: bad manifest signature: signed by trusted key');
  });

  it('an unsigned bundle is refused for push unless --insecure-skip-signature', async () => {
    await buildFromImages(images, { outDir: join(root, 'b') });
    const error = await openVerifiedBundle(join(root, 'b'), {}).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).to.contain('bundle is unsigned');
    const gated = await openVerifiedBundle(join(root, 'b'), { insecureSkipSignature: true });
    expect(gated.report.signed).to.equal(false);
    expect(readFileSync(join(root, 'b', 'manifest.json'), 'utf8')).to.contain('"format": 1');
  });
});
