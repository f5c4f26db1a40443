import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { sha256File, sha256Files } from '../../../src/bundle/hash.js';

describe('bundle/hash: streaming sha256', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'airlock-hash-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('matches sha256sum on a multi-chunk file', async () => {
    const path = join(dir, 'a.bin');
    writeFileSync(path, randomBytes(5 * 1024 * 1024 + 3));
    const expected = execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
    expect(await sha256File(path)).to.deep.equal({ sha256: expected, size: 5 * 1024 * 1024 + 3 });
  });

  it('hashes split LXD images as meta then rootfs concatenated', async () => {
    writeFileSync(join(dir, 'meta'), 'META');
    writeFileSync(join(dir, 'rootfs'), 'ROOTFS');
    const expected = createHash('sha256').update('METAROOTFS').digest('hex');
    expect((await sha256Files([join(dir, 'meta'), join(dir, 'rootfs')])).sha256).to.equal(expected);
  });
});
