import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseImageName } from '../../../src/bundle/names.js';
import { setIniValues } from '../../../src/lab/images/misp-app.js';
import { loadMispSources } from '../../../src/lab/images/misp-sources.js';
import { labImageSpecs } from '../../../src/lab/images/specs.js';

const COMMIT = 'bb0909a37a7bd727d35f7a60ee9a6ff10bc99852';
const ARCHIVES = ['MISP-v2.5.1-bb0909a.tar.xz', 'cakephp2-php8-7e1da9a.tar.xz', 'MISP-cakephp-2.x-cbd4827.tar.xz', 'misp-galaxy-1.tar.xz',
  'misp-taxonomies-1.tar.xz', 'misp-warninglists-1.tar.xz', 'misp-objects-1.tar.xz', 'misp-noticelist-1.tar.xz'];

function sourcesDir(corrupt?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-sources-'));
  const lines = ['MISP-v2.5.1-bb0909a.tar.xz  -> /var/www/MISP', `  commit:  ${COMMIT} (2024-10-21)`, '', 'sha256:'];
  for (const name of ARCHIVES) {
    writeFileSync(join(dir, name), `content of ${name}`);
    const digest = createHash('sha256').update(`content of ${name}`).digest('hex');
    lines.push(`${digest}  ${name}`);
    if (name === corrupt) writeFileSync(join(dir, name), 'tampered');
  }
  writeFileSync(join(dir, 'SOURCES.txt'), `${lines.join('\n')}\n`);
  return dir;
}

describe('lab images', () => {
  it('names every image as upstream does, so that bundle build recognises it', () => {
    const specs = labImageSpecs('v1', { misp: '2.5.1', mispCommit: COMMIT, mariadb: '11.8.9', valkey: '8.1.1' });
    expect(specs.map((s) => s.fileName)).to.deep.equal([`MISP_v2.5.1_${COMMIT}.tar.gz`, 'MySQL_11.8.9.tar.gz', 'Valkey_8.1.1.tar.gz', 'Modules_3.0.2-lab.tar.gz']);
    expect(specs.map((s) => parseImageName(s.fileName)?.component)).to.deep.equal(['misp', 'mysql', 'valkey', 'modules']);
    expect(parseImageName(specs[0]?.fileName ?? '')?.upstreamCommit).to.equal(COMMIT);
  });

  it('gives the two builds of the same sources different build ids', () => {
    const built = { misp: '2.5.1', mispCommit: COMMIT, mariadb: '11.8.9', valkey: '8.1.1' };
    expect(labImageSpecs('v1', built)[0]?.buildId).not.to.equal(labImageSpecs('v2', built)[0]?.buildId);
  });

  it('sets php.ini values in place, uncommenting a commented default', () => {
    const ini = 'memory_limit = 128M\n;session.save_path = "/var/lib/php/sessions"\n';
    expect(setIniValues(ini, { memory_limit: '2048M', 'session.save_path': '"tcp://127.0.0.1:6379"' }))
      .to.equal('memory_limit = 2048M\nsession.save_path = "tcp://127.0.0.1:6379"\n');
  });

  it('verifies every source archive against SOURCES.txt and reads the MISP commit', async () => {
    const dir = sourcesDir();
    try {
      const sources = await loadMispSources(dir);
      expect(sources.commit).to.equal(COMMIT);
      expect(sources.json['misp-galaxy']).to.equal(join(dir, 'misp-galaxy-1.tar.xz'));
      expect(sources.digests).to.have.length(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an archive whose sha256 differs from SOURCES.txt', async () => {
    const dir = sourcesDir('misp-objects-1.tar.xz');
    try {
      let error: Error | undefined;
      await loadMispSources(dir).catch((e: Error) => { error = e; });
      expect(error?.message).to.match(/misp-objects-1\.tar\.xz has sha256 .* SOURCES\.txt says/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the missing SOURCES.txt and the variable that points elsewhere', async () => {
    let error: Error | undefined;
    await loadMispSources('/nonexistent-airlock-sources').catch((e: Error) => { error = e; });
    expect(error?.message).to.contain('AIRLOCK_MISP_SOURCES');
  });
});
