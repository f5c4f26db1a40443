import { expect } from 'chai';
import { parseManifest } from '../../../src/bundle/schema.js';
import { serializeManifest, type BundleManifest } from '../../../src/bundle/manifest.js';
import { InputError } from '../../../src/util/errors.js';

const HASH = 'a'.repeat(64);
function goodManifest(): BundleManifest {
  return {
    format: 1, name: 'misp', version: 'v2.5.17', created: '2025-01-02T03:04:05Z',
    components: [
      { name: 'misp', file: 'MISP_v2.5.17_4a6d4c3.tar.gz', size: 10, sha256: HASH, lxd_fingerprint: HASH, upstream_version: 'v2.5.17', upstream_commit: '4a6d4c3', signature: 'MISP_v2.5.17_4a6d4c3.tar.gz.sig' },
      { name: 'mysql', file: 'MySQL_10.11.6.tar.gz', size: 20, sha256: HASH, lxd_fingerprint: HASH, upstream_version: '10.11.6' },
    ],
  };
}

function errorOf(text: string): InputError {
  try {
    parseManifest(text, '/b/manifest.json');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('bundle/schema: manifest validation names the field, component and position', () => {
  it('accepts a well-formed manifest and returns it', () => {
    expect(parseManifest(serializeManifest(goodManifest()), 'm.json')).to.deep.equal(goodManifest());
  });

  it('a bad sha256 names components[1].sha256, the component, and its line', () => {
    const manifest = goodManifest();
    (manifest.components[1] as { sha256: string }).sha256 = 'XYZ';
    const error = errorOf(serializeManifest(manifest));
    expect(error.message).to.contain("components[1].sha256 (component 'mysql') has an invalid value");
    const text = serializeManifest(manifest);
    const line = text.split('\n').findIndex((l) => l.includes('"XYZ"')) + 1;
    expect(error.location).to.deep.include({ file: '/b/manifest.json', line });
  });

  it('a missing field is named', () => {
    const manifest = goodManifest() as unknown as { components: Array<Record<string, unknown>> };
    delete manifest.components[0]?.['size'];
    expect(errorOf(JSON.stringify(manifest)).message).to.contain("components[0].size (component 'misp') is required but missing");
  });

  it('a misspelt field is refused, not ignored', () => {
    const manifest = { ...goodManifest(), verison: 'x' };
    expect(errorOf(JSON.stringify(manifest)).message).to.contain('verison is not a known field');
  });

  it('an unknown format is refused with the reason', () => {
    expect(errorOf(JSON.stringify({ ...goodManifest(), format: 2 })).message).to.contain('format must be 1');
  });

  it('a file name with a path is refused (no escaping the bundle directory)', () => {
    const manifest = goodManifest();
    (manifest.components[0] as { file: string }).file = '../etc/passwd';
    expect(errorOf(JSON.stringify(manifest)).message).to.contain("components[0].file (component 'misp') has an invalid value");
  });

  it('a size that is not an integer is refused', () => {
    const manifest = goodManifest() as unknown as { components: Array<Record<string, unknown>> };
    if (manifest.components[0]) manifest.components[0]['size'] = '10';
    expect(errorOf(JSON.stringify(manifest)).message).to.contain('components[0].size');
  });

  it('two components of the same name are refused', () => {
    const manifest = goodManifest();
    const second = manifest.components[1];
    if (second) second.name = 'misp';
    expect(errorOf(serializeManifest(manifest)).message).to.contain("component 'misp' appears twice");
  });

  it('invalid JSON says so with the file', () => {
    const error = errorOf('{"format": 1,');
    expect(error.message).to.match(/^\/b\/manifest\.json: not valid JSON/);
  });
});
