// Builds the LAB images: the four MISP airgap images (MISP, MySQL/MariaDB, Valkey, modules) in two builds (v1, v2),
// as unified LXD image tarballs named as upstream names its downloads, so that `airlock bundle build --images DIR`
// treats them exactly like real ones. MISP is real MISP 2.5 from its source archives (misp-sources.ts), MariaDB and
// Valkey are Debian trixie's; only misp-modules is a stand-in (its Python dependencies are not reachable here).
//
// Steps, each cached: the component rootfs (debootstrap + apt, rootfs.ts), MISP's application layer (misp-app.ts),
// then the tarballs. Tarballs are reproducible (sorted, fixed mtime, gzip -n); outputs are cached under a stamp of
// every input (rootfs recipe, source archives' sha256, files/, specs), so a CI run builds them once and reuses them.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { installMispApp, mispVersionOf } from './misp-app.js';
import { loadMispSources, mispSourcesDir, type MispSources } from './misp-sources.js';
import { defaultMirror, ensureComponentRootfs, rootfsRecipe, SUITE } from './rootfs.js';
import { LAB_COMPONENTS, LAB_IMAGE_VERSIONS, labImageSpecs, type LabBuiltVersions, type LabComponent, type LabImageSpec, type LabImageVersion } from './specs.js';

const FILES_DIR = fileURLToPath(new URL('../../../../src/lab/images/files/', import.meta.url));
/** Bump when the build recipe changes in a way the input stamp cannot see. */
const RECIPE_VERSION = '3';
const FIXED_MTIME = '@1767225600'; // 2026-01-01: reproducible tarballs

export interface LabImageBuildOptions {
  /** where the rootfs and the images are cached between runs (outside the repository) */
  cacheDir: string;
  /** Debian mirror for debootstrap; default: the machine's apt source, else deb.debian.org */
  mirror?: string;
  /** MISP source archives; default: $AIRLOCK_MISP_SOURCES, else <project root>/../shared/upstream/misp */
  sourcesDir?: string;
  log?: (line: string) => void;
}

export interface LabImageSet {
  version: LabImageVersion;
  /** directory holding the upstream-named image files of this version */
  dir: string;
  files: string[];
  specs: LabImageSpec[];
}

interface ImageIndex {
  stamp: string;
  sets: LabImageSet[];
}

export async function buildLabImages(options: LabImageBuildOptions): Promise<LabImageSet[]> {
  const log = options.log ?? (() => undefined);
  const imagesDir = join(options.cacheDir, 'images');
  await mkdir(options.cacheDir, { recursive: true });
  const sources = await loadMispSources(mispSourcesDir(options.sourcesDir));
  const stamp = await inputStamp(sources);
  const indexFile = join(imagesDir, 'index.json');
  if (existsSync(indexFile)) {
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as ImageIndex;
    if (index.stamp === stamp && index.sets.every((set) => set.files.every((f) => existsSync(join(set.dir, f))))) {
      log(`lab images: cached in ${imagesDir}`);
      return index.sets;
    }
  }
  const times: Record<string, number> = {};
  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await fn();
    times[label] = Math.round((Date.now() - started) / 1000);
    log(`lab images: ${label} took ${times[label]} s`);
    return result;
  };
  const mirror = options.mirror ?? (await defaultMirror());
  const rootfs = {} as Record<LabComponent, string>;
  // MISP first (it also makes the shared debootstrap base), then the small ones side by side
  rootfs.misp = await timed('rootfs misp (debootstrap + apt)', () => ensureComponentRootfs(options.cacheDir, 'misp', mirror, log));
  await Promise.all((['mysql', 'valkey', 'modules'] as const).map(async (c) => {
    rootfs[c] = await timed(`rootfs ${c} (apt)`, () => ensureComponentRootfs(options.cacheDir, c, mirror, log));
  }));
  const mispApp = await timed('MISP application layer', () => ensureMispApp(options.cacheDir, rootfs.misp, sources, stamp, log));
  const built: LabBuiltVersions = {
    misp: await mispVersionOf(mispApp),
    mispCommit: sources.commit,
    mariadb: await debianUpstreamVersion(rootfs.mysql, 'mariadb-server'),
    valkey: await debianUpstreamVersion(rootfs.valkey, 'valkey-server'),
  };
  const rootOf = (component: LabComponent): string => (component === 'misp' ? mispApp : rootfs[component]);

  await rm(imagesDir, { recursive: true, force: true });
  await mkdir(imagesDir, { recursive: true });
  const sets: LabImageSet[] = LAB_IMAGE_VERSIONS.map((version) => {
    const specs = labImageSpecs(version, built);
    return { version, dir: join(imagesDir, version), files: specs.map((s) => s.fileName), specs };
  });
  const limit = pLimit(2);
  await Promise.all(sets.flatMap((set) => set.specs.map((spec) =>
    limit(() => timed(`tarball ${set.version} ${spec.fileName}`, () => buildImage(rootOf(spec.component), spec, set.dir, log))))));
  const sizes: Record<string, number> = {};
  for (const set of sets) {
    for (const file of set.files) sizes[`${set.version}/${file}`] = Number((await execa('stat', ['-c', '%s', join(set.dir, file)])).stdout);
  }
  await writeFile(join(imagesDir, 'build-report.json'), `${JSON.stringify({ times, sizes }, null, 2)}\n`);
  await writeFile(indexFile, `${JSON.stringify({ stamp, sets } satisfies ImageIndex, null, 2)}\n`);
  return sets;
}

/** The MISP rootfs with MISP installed (cached under the input stamp; about 30 s). */
async function ensureMispApp(cacheDir: string, mispRootfs: string, sources: MispSources, stamp: string, log: (line: string) => void): Promise<string> {
  const root = join(cacheDir, 'rootfs', 'misp-app');
  const done = `${root}.done`;
  if (existsSync(done) && (await readFile(done, 'utf8')) === stamp) return root;
  log(`lab images: MISP ${sources.commit.slice(0, 7)} from ${sources.dir}`);
  const building = `${root}.building`;
  await rm(building, { recursive: true, force: true });
  await rm(root, { recursive: true, force: true });
  await rm(done, { force: true });
  // a real copy: the layer edits files in place, which must not write through into the component rootfs
  await execa('cp', ['-a', mispRootfs, building]);
  await installMispApp(building, sources, (target) => overlayLayers(target, 'misp'));
  await rename(building, root);
  await writeFile(done, stamp);
  return root;
}

/** `1:11.8.3-0+deb13u1` -> `11.8.3`: the upstream part of an installed Debian package's version. */
async function debianUpstreamVersion(root: string, pkg: string): Promise<string> {
  const { stdout } = await execa('dpkg-query', [`--admindir=${join(root, 'var/lib/dpkg')}`, '-W', '-f=${Version}', pkg]);
  const version = stdout.replace(/^[0-9]+:/, '').replace(/[-+~].*$/, '');
  if (!/^[0-9][0-9.]*$/.test(version)) throw new Error(`lab images: cannot read ${pkg}'s version from ${root} (${stdout})`);
  return version;
}

async function buildImage(rootfs: string, spec: LabImageSpec, outDir: string, log: (line: string) => void): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const stage = await mkdtemp(join(outDir, `.stage-${spec.component}-`));
  try {
    // Hard links make the copy instant; files we change are replaced (unlinked first), never written through.
    await execa('cp', ['-al', rootfs, join(stage, 'rootfs')]);
    await overlayLayers(join(stage, 'rootfs'), spec.component);
    const marker = join(stage, 'rootfs', 'etc', 'airlock-lab');
    await mkdir(marker, { recursive: true });
    await replaceFile(join(marker, 'component'), `${spec.component}\n`);
    await replaceFile(join(marker, 'version'), `${spec.upstreamVersion}\n`);
    await replaceFile(join(marker, 'build-id'), `${spec.buildId}\n`);
    // the build's resolv.conf stays out of the image: the lab init writes it from the DHCP lease
    await replaceFile(join(stage, 'rootfs', 'etc', 'resolv.conf'), '');
    await writeFile(join(stage, 'metadata.yaml'), metadataYaml(spec));
    const out = join(outDir, spec.fileName);
    await execa('sh', ['-c', 'tar --sort=name --numeric-owner --xattrs --mtime="$1" -C "$2" -cf - metadata.yaml rootfs | gzip -1 -n > "$3"', 'sh', FIXED_MTIME, stage, out]);
    log(`lab images: built ${spec.buildId} ${spec.fileName}`);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function overlayLayers(root: string, component: LabComponent): Promise<void> {
  for (const layer of ['common', component]) await overlay(join(FILES_DIR, layer), root);
}

async function overlay(from: string, to: string): Promise<void> {
  if (!existsSync(from)) return;
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target, { recursive: true });
      await overlay(source, target);
    } else {
      await rm(target, { force: true });
      await cp(source, target, { preserveTimestamps: false });
    }
  }
}

async function replaceFile(path: string, content: string): Promise<void> {
  await rm(path, { force: true });
  await writeFile(path, content);
}

function metadataYaml(spec: LabImageSpec): string {
  return [
    'architecture: x86_64',
    'creation_date: 1767225600',
    'properties:',
    `  description: airlock lab ${spec.component} ${spec.upstreamVersion} (Debian ${SUITE}, ${spec.buildId})`,
    '  os: debian',
    `  release: ${SUITE}`,
    `  airlock.lab.component: ${spec.component}`,
    `  airlock.lab.version: ${spec.upstreamVersion}`,
    `  airlock.lab.build: ${spec.buildId}`,
    '',
  ].join('\n');
}

/** A hash of every input of the images, so that any change rebuilds what depends on it. */
async function inputStamp(sources: MispSources): Promise<string> {
  const hash = createHash('sha256').update(RECIPE_VERSION).update(rootfsRecipe()).update(sources.commit).update(sources.digests.join(','));
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      hash.update(path.slice(FILES_DIR.length));
      if (entry.isDirectory()) await walk(path);
      else hash.update(await readFile(path));
    }
  };
  await walk(FILES_DIR);
  hash.update(JSON.stringify(LAB_COMPONENTS)).update(JSON.stringify(labImageSpecs('v1', { misp: 'x', mispCommit: 'x', mariadb: 'x', valkey: 'x' })));
  return hash.digest('hex');
}
