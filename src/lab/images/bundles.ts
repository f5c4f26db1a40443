// The lab's MISP bundles (v1 and v2, two builds of real MISP 2.5.1; v3 re-releases v2), built from the lab images exactly as an operator builds real ones
// (`airlock bundle build --images DIR`), and signed with the lab's own ed25519 key so that the playbooks run with
// signature enforcement on, as an enclave would. Cached next to the images.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildFromImages } from '../../bundle/build.js';
import { generateSigningKey, signBundleDir } from '../../bundle/signing.js';
import { buildLabImages, type LabImageBuildOptions } from './build.js';
import type { LabImageVersion } from './specs.js';

/** v3 re-releases v2's images under a new bundle version: an update that changes no image, as a security rebuild of
 * only the bundle would (used by the end-to-end test of a failed update after v2). */
export type LabBundleVersion = LabImageVersion | 'v3';

export interface LabBundles {
  /** bundle directory per version */
  bundles: Record<LabBundleVersion, string>;
  /** public key that signed them (pass as misp_bundle_trusted_keys) */
  publicKey: string;
}

/** Default cache: outside the repository, kept between runs on the same machine. */
export const DEFAULT_LAB_CACHE = process.env['AIRLOCK_LAB_CACHE'] ?? '/var/cache/airlock-lab';

export async function ensureLabBundles(options: LabImageBuildOptions): Promise<LabBundles> {
  const sets = await buildLabImages(options);
  const keyDir = join(options.cacheDir, 'keys');
  const privateKey = join(keyDir, 'lab-signing.key');
  if (!existsSync(privateKey)) {
    await mkdir(keyDir, { recursive: true, mode: 0o700 });
    await generateSigningKey(privateKey);
  }
  const publicKey = `${privateKey}.pub`;
  const stamp = (JSON.parse(await readFile(join(options.cacheDir, 'images', 'index.json'), 'utf8')) as { stamp: string }).stamp;
  const bundles = {} as Record<LabBundleVersion, string>;
  const releases = [...sets.map((set) => ({ version: set.version as LabBundleVersion, dir: set.dir })),
    { version: 'v3' as const, dir: sets.find((set) => set.version === 'v2')?.dir ?? '' }];
  for (const set of releases) {
    const dir = join(options.cacheDir, 'bundles', set.version);
    bundles[set.version] = dir;
    const builtFrom = join(options.cacheDir, 'bundles', `${set.version}.stamp`);
    if (existsSync(join(dir, 'manifest.json.sig')) && existsSync(builtFrom) && (await readFile(builtFrom, 'utf8')) === stamp) continue;
    await rm(dir, { recursive: true, force: true });
    await buildFromImages(set.dir, { outDir: dir, name: 'misp-lab', version: set.version });
    await signBundleDir(dir, privateKey);
    await writeFile(builtFrom, stamp);
    options.log?.(`lab bundles: built and signed ${dir}`);
  }
  return { bundles, publicKey };
}
