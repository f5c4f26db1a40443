import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundlePushModule } from '../../../src/modules/bundle_push.js';
import { buildFromImages } from '../../../src/bundle/build.js';
import type { ModuleContext } from '../../../src/modules/lib/types.js';
import { FakeHost } from './fake-host.js';

describe('modules/bundle_push: check mode, idempotence, refusals', function () {
  // every fake-host command is a real /bin/sh: slow when the shared machine is loaded
  this.timeout(60_000);
  let work: string;
  let host: FakeHost;
  let dest: string;
  const context = (check: boolean): ModuleContext => ({
    host: host.host, conn: host, check, diff: false, vars: {}, render: (t) => t, findFile: (p) => p,
    become: undefined, env: {}, signal: new AbortController().signal,
    reconnect: async () => host, evaluate: () => undefined, verbosity: 0, runId: 'test-run',
  });

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'airlock-bpmod-'));
    mkdirSync(join(work, 'images'));
    writeFileSync(join(work, 'images', 'MySQL_10.11.6.tar.gz'), randomBytes(300_000));
    writeFileSync(join(work, 'images', 'Valkey_7.2.5.tar.gz'), randomBytes(200_000));
    await buildFromImages(join(work, 'images'), { outDir: join(work, 'b'), version: 'm1' });
    host = new FakeHost();
    dest = join(host.root, 'images');
  });
  after(async () => {
    await host.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses an unsigned bundle unless insecure_skip_signature', async () => {
    const result = await bundlePushModule.run({ bundle: join(work, 'b'), dest }, context(false));
    expect(result.failed).to.equal(true);
    expect(result.msg).to.contain('bundle is unsigned');
  });

  it('check mode reports the change and writes nothing', async () => {
    const result = await bundlePushModule.run({ bundle: join(work, 'b'), dest, insecure_skip_signature: true }, context(true));
    expect(result).to.deep.include({ changed: true, msg: 'would send mysql, valkey' });
    expect(existsSync(dest)).to.equal(false);
  });

  it('pushes the selected components, then reports ok the second time', async () => {
    const first = await bundlePushModule.run({ bundle: join(work, 'b'), dest, components: ['mysql'], insecure_skip_signature: true }, context(false));
    expect(first).to.deep.include({ changed: true, msg: 'sent mysql' });
    expect(readdirSync(dest).sort()).to.deep.equal(['MySQL_10.11.6.tar.gz', 'misp_m1.manifest.json']);
    const second = await bundlePushModule.run({ bundle: join(work, 'b'), dest, components: ['mysql'], insecure_skip_signature: true }, context(false));
    expect(second).to.deep.include({ changed: false, msg: 'every image already on the host' });
  });

  it('keep: false prunes older images and partial uploads but nothing else', async () => {
    writeFileSync(join(dest, 'MySQL_10.11.5.tar.gz'), 'old');
    writeFileSync(join(dest, 'Valkey_7.2.4.tar.gz.part'), 'partial');
    writeFileSync(join(dest, 'notes.txt'), 'operator notes');
    const result = await bundlePushModule.run({ bundle: join(work, 'b'), dest, components: 'mysql', keep: false, insecure_skip_signature: true }, context(false));
    expect(result.changed).to.equal(true);
    expect(readdirSync(dest).sort()).to.deep.equal(['MySQL_10.11.6.tar.gz', 'misp_m1.manifest.json', 'notes.txt']);
  });

  it('an unknown component is a failed task naming what the bundle has', async () => {
    const result = await bundlePushModule.run({ bundle: join(work, 'b'), dest, components: ['misp'], insecure_skip_signature: true }, context(false));
    expect(result.failed).to.equal(true);
    expect(result.msg).to.contain('unknown component(s) misp; the bundle has mysql, valkey');
  });
});
