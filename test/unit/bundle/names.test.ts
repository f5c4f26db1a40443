import { expect } from 'chai';
import { parseImageName } from '../../../src/bundle/names.js';

describe('bundle/names: component and version from upstream file names', () => {
  const table: Array<[string, ReturnType<typeof parseImageName>]> = [
    ['MISP_v2.5.17_4a6d4c3.tar.gz', { component: 'misp', upstreamVersion: 'v2.5.17', upstreamCommit: '4a6d4c3' }],
    ['MISP_v2.5.7_0123456789abcdef0123456789abcdef01234567.tar.gz', { component: 'misp', upstreamVersion: 'v2.5.7', upstreamCommit: '0123456789abcdef0123456789abcdef01234567' }],
    ['MySQL_10.11.6.tar.gz', { component: 'mysql', upstreamVersion: '10.11.6' }],
    ['Valkey_7.2.5.tar.gz', { component: 'valkey', upstreamVersion: '7.2.5' }],
    ['Redis_7.0.15.tar.gz', { component: 'redis', upstreamVersion: '7.0.15' }],
    ['Modules_v2.4.x-20240101.tar.gz', { component: 'modules', upstreamVersion: 'v2.4.x-20240101' }],
    ['MISP_v2.5.17.tar.gz', undefined], // MISP needs the commit
    ['MISP_v2.5.17_XYZ.tar.gz', undefined], // commit must be hex
    ['mysql_10.11.tar.gz', undefined], // upstream capitalises
    ['MySQL_10.11.6.tar.xz', undefined],
    ['MySQL_.tar.gz', undefined],
    ['Postgres_16.tar.gz', undefined],
    ['MySQL_10.11.6.tar.gz.sig', undefined],
    ['../MySQL_1.tar.gz', undefined],
  ];
  for (const [name, expected] of table) {
    it(`${name} -> ${expected ? `${expected.component} ${expected.upstreamVersion}` : 'not an upstream image'}`, () => {
      expect(parseImageName(name)).to.deep.equal(expected);
    });
  }
});
