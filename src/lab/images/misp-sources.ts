// The MISP source archives the MISP image is built from (git archives of MISP, its cakephp and its JSON submodules;
// see ../shared/upstream/misp/SOURCES.txt). Every archive is checked against the sha256 that SOURCES.txt lists before
// it is used. The directory defaults to <project root>/../shared/upstream/misp; AIRLOCK_MISP_SOURCES (or the
// `sourcesDir` option) names another one, e.g. archives made from a MISP clone at another pinned commit: same file
// name patterns, and a SOURCES.txt with their sha256 lines and the MISP commit.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const DEFAULT_MISP_SOURCES = resolve(PROJECT_ROOT, '..', 'shared', 'upstream', 'misp');

export function mispSourcesDir(option?: string): string {
  return option ?? process.env['AIRLOCK_MISP_SOURCES'] ?? DEFAULT_MISP_SOURCES;
}

/** The archives by role, each with its verified sha256. */
export interface MispSources {
  dir: string;
  misp: string;
  /** the PHP 8 CakePHP 2 fork that goes to app/Lib/cakephp */
  cakephp: string;
  /** MISP's own cakephp 2.x: only its newer CA bundle is used */
  cakephpCa: string;
  /** JSON submodules: target directory under app/files -> archive */
  json: Record<string, string>;
  /** MISP commit (40 hex) the MISP archive was made from, from SOURCES.txt */
  commit: string;
  /** sha256 of every archive, in name order: the image cache key */
  digests: string[];
}

const JSON_ARCHIVES: ReadonlyArray<{ prefix: string; dir: string }> = [
  { prefix: 'misp-galaxy-', dir: 'misp-galaxy' },
  { prefix: 'misp-taxonomies-', dir: 'taxonomies' },
  { prefix: 'misp-warninglists-', dir: 'warninglists' },
  { prefix: 'misp-objects-', dir: 'misp-objects' },
  { prefix: 'misp-noticelist-', dir: 'noticelists' },
];

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function loadMispSources(dir: string): Promise<MispSources> {
  const listFile = join(dir, 'SOURCES.txt');
  if (!existsSync(listFile)) {
    throw new Error(`MISP sources: ${listFile} is missing (set AIRLOCK_MISP_SOURCES to the directory holding MISP's source archives and SOURCES.txt)`);
  }
  const list = await readFile(listFile, 'utf8');
  const expected = new Map<string, string>();
  for (const match of list.matchAll(/^([0-9a-f]{64})\s+(\S+\.tar\.xz)\s*$/gm)) expected.set(match[2] ?? '', match[1] ?? '');
  const files = (await readdir(dir)).filter((name) => name.endsWith('.tar.xz')).sort();
  const pick = (test: (name: string) => boolean, what: string): string => {
    const found = files.filter(test);
    if (found.length !== 1) throw new Error(`MISP sources: expected exactly one ${what} archive in ${dir}, found ${found.length}`);
    return found[0] ?? '';
  };
  const misp = pick((n) => /^MISP-v[0-9]/.test(n), 'MISP-v<version>-<commit>.tar.xz');
  const cakephp = pick((n) => n.startsWith('cakephp2-php8-'), 'cakephp2-php8-<commit>.tar.xz');
  const cakephpCa = pick((n) => n.startsWith('MISP-cakephp-'), 'MISP-cakephp-<branch>-<commit>.tar.xz');
  const json: Record<string, string> = {};
  for (const { prefix, dir: target } of JSON_ARCHIVES) json[target] = pick((n) => n.startsWith(prefix), `${prefix}<commit>.tar.xz`);
  const used = [misp, cakephp, cakephpCa, ...Object.values(json)].sort();
  const digests: string[] = [];
  for (const name of used) {
    const want = expected.get(name);
    if (want === undefined) throw new Error(`MISP sources: ${name} has no sha256 line in ${listFile}`);
    const got = await sha256(join(dir, name));
    if (got !== want) throw new Error(`MISP sources: ${name} has sha256 ${got}, SOURCES.txt says ${want}`);
    digests.push(got);
  }
  // the commit line that follows the MISP archive's own entry
  const mispEntry = list.indexOf(misp);
  const commit = /commit:\s+([0-9a-f]{40})/.exec(list.slice(mispEntry))?.[1];
  if (mispEntry < 0 || commit === undefined) throw new Error(`MISP sources: no 40-hex "commit:" line for ${misp} in ${listFile}`);
  const at = (name: string): string => join(dir, name);
  return {
    dir, misp: at(misp), cakephp: at(cakephp), cakephpCa: at(cakephpCa),
    json: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, at(v)])), commit, digests,
  };
}
