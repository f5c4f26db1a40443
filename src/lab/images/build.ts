// Builds the LAB images: test doubles of the four MISP airgap images (MISP, MySQL/MariaDB, Valkey/Redis, modules),
// in two versions, as unified LXD image tarballs named as upstream names its downloads, so that
// `airlock bundle build --images DIR` treats them exactly like real ones. Real MISP images cannot be fetched here.
//
// One Debian rootfs (debootstrap, cached) carries the real MariaDB and Redis; each image adds its role's files from
// files/common + files/<component> and a version marker. Tarballs are reproducible (sorted, fixed mtime, gzip -n), so a
// rebuild gives the same LXD fingerprints, and outputs are cached under a stamp of the inputs.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { labImageSpecs, LAB_IMAGE_VERSIONS, type LabImageSpec, type LabImageVersion } from './specs.js';

const FILES_DIR = fileURLToPath(new URL('../../../../src/lab/images/files/', import.meta.url));
const ROOTFS_PACKAGES = ['busybox', 'iproute2', 'mariadb-server', 'mariadb-client', 'redis-server', 'python3', 'openssl', 'curl'];
/** Everything removed from the rootfs: caches and docs the images do not need, and MariaDB's data dir, which the
 * database image initialises on first boot (so that every container starts from an empty server). */
const ROOTFS_TRIM = ['var/cache/apt', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale', 'usr/share/info', 'var/lib/mysql'];
/** Bump when the build recipe changes in a way the input stamp cannot see. */
const RECIPE_VERSION = '1';
const FIXED_MTIME = '@1767225600'; // 2026-01-01: reproducible tarballs

export interface LabImageBuildOptions {
  /** where the rootfs and the images are cached between runs (outside the repository) */
  cacheDir: string;
  /** Debian mirror for debootstrap; default: the machine's apt source, else deb.debian.org */
  mirror?: string;
  log?: (line: string) => void;
}

export interface LabImageSet {
  version: LabImageVersion;
  /** directory holding the upstream-named image files of this version */
  dir: string;
  files: string[];
}

export async function buildLabImages(options: LabImageBuildOptions): Promise<LabImageSet[]> {
  const log = options.log ?? (() => undefined);
  await mkdir(options.cacheDir, { recursive: true });
  const stamp = await inputStamp();
  const sets = LAB_IMAGE_VERSIONS.map((version) => ({
    version,
    dir: join(options.cacheDir, 'images', version),
    files: labImageSpecs(version).map((spec) => spec.fileName),
  }));
  const stampFile = join(options.cacheDir, 'images', 'stamp');
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === stamp && sets.every((set) => set.files.every((f) => existsSync(join(set.dir, f))))) {
    log(`lab images: cached in ${join(options.cacheDir, 'images')}`);
    return sets;
  }
  const rootfs = await ensureRootfs(options.cacheDir, options.mirror ?? (await defaultMirror()), log);
  await rm(join(options.cacheDir, 'images'), { recursive: true, force: true });
  const limit = pLimit(2);
  await Promise.all(
    LAB_IMAGE_VERSIONS.flatMap((version) =>
      labImageSpecs(version).map((spec) => limit(() => buildImage(rootfs, spec, join(options.cacheDir, 'images', version), log))),
    ),
  );
  await writeFile(stampFile, stamp);
  return sets;
}

async function defaultMirror(): Promise<string> {
  try {
    const sources = await readFile('/etc/apt/sources.list.d/debian.sources', 'utf8');
    const uri = /^URIs:\s*(\S+\/debian)\s*$/m.exec(sources)?.[1];
    if (uri) return uri;
  } catch {
    // no deb822 sources on this machine: fall through to the default mirror
  }
  return 'http://deb.debian.org/debian';
}

/** The extracted, trimmed Debian rootfs shared by every image (built once, ~2 minutes). */
async function ensureRootfs(cacheDir: string, mirror: string, log: (line: string) => void): Promise<string> {
  const rootfs = join(cacheDir, 'rootfs');
  const done = join(cacheDir, 'rootfs.done');
  const wanted = `${RECIPE_VERSION} ${ROOTFS_PACKAGES.join(',')}`;
  if (existsSync(done) && (await readFile(done, 'utf8')) === wanted) return rootfs;
  log(`lab images: debootstrap bookworm (${ROOTFS_PACKAGES.join(', ')}) from ${mirror}; takes about 2 minutes once`);
  await rm(rootfs, { recursive: true, force: true });
  await execa('debootstrap', ['--variant=minbase', `--include=${ROOTFS_PACKAGES.join(',')}`, 'bookworm', rootfs, mirror]);
  for (const path of ROOTFS_TRIM) {
    await rm(join(rootfs, path), { recursive: true, force: true });
    await mkdir(join(rootfs, path), { recursive: true });
  }
  await writeFile(done, wanted);
  return rootfs;
}

async function buildImage(rootfs: string, spec: LabImageSpec, outDir: string, log: (line: string) => void): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const stage = await mkdtemp(join(outDir, `.stage-${spec.component}-`));
  try {
    // Hard links make the copy instant; files we change are replaced (unlinked first), never written through.
    await execa('cp', ['-al', rootfs, join(stage, 'rootfs')]);
    for (const layer of ['common', spec.component]) {
      await overlay(join(FILES_DIR, layer), join(stage, 'rootfs'));
    }
    const marker = join(stage, 'rootfs', 'etc', 'airlock-lab');
    await mkdir(marker, { recursive: true });
    await replaceFile(join(marker, 'version'), `${spec.upstreamVersion}\n`);
    await replaceFile(join(marker, 'schema'), `${spec.schema}\n`);
    await replaceFile(join(marker, 'component'), `${spec.component}\n`);
    for (const dir of spec.extraDirs) await mkdir(join(stage, 'rootfs', dir), { recursive: true });
    await writeFile(join(stage, 'metadata.yaml'), metadataYaml(spec));
    const out = join(outDir, spec.fileName);
    await execa('sh', ['-c', 'tar --sort=name --numeric-owner --mtime="$1" -C "$2" -cf - metadata.yaml rootfs | gzip -1 -n > "$3"', 'sh', FIXED_MTIME, stage, out]);
    log(`lab images: built ${spec.fileName}`);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
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
    `  description: airlock lab stand-in for ${spec.component} ${spec.upstreamVersion} (Debian bookworm)`,
    '  os: debian',
    '  release: bookworm',
    `  airlock.lab.component: ${spec.component}`,
    `  airlock.lab.version: ${spec.upstreamVersion}`,
    '',
  ].join('\n');
}

/** A hash of everything that goes into the images except the rootfs packages, so a changed stand-in rebuilds. */
async function inputStamp(): Promise<string> {
  const hash = createHash('sha256').update(RECIPE_VERSION).update(ROOTFS_PACKAGES.join(','));
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      hash.update(path.slice(FILES_DIR.length));
      if (entry.isDirectory()) await walk(path);
      else hash.update(await readFile(path));
    }
  };
  await walk(FILES_DIR);
  for (const version of LAB_IMAGE_VERSIONS) hash.update(JSON.stringify(labImageSpecs(version)));
  return hash.digest('hex');
}
