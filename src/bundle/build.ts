// `airlock bundle build`: turn a directory of upstream images (and their .sig files), or images in the local LXD,
// into a bundle directory with a manifest that pins every file by size and SHA-256.
import { copyFile, link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { InputError } from '../util/errors.js';
import { sha256File } from './hash.js';
import { MANIFEST_FILE, serializeManifest, type BundleComponent, type BundleManifest } from './manifest.js';
import { EXPECTED_NAMES, isSignatureName, parseImageName } from './names.js';

export interface BuildResult {
  dir: string;
  manifest: BundleManifest;
  tarPath?: string;
}

export interface BuildCommonOptions {
  outDir: string;
  name?: string;
  version?: string;
  tar?: boolean;
  now?: Date;
}

/** Hard link when on the same filesystem (instant, no extra space), copy otherwise. */
async function placeFile(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch {
    await copyFile(source, target);
  }
}

async function prepareOutDir(outDir: string): Promise<void> {
  try {
    const entries = await readdir(outDir);
    if (entries.length > 0) throw new InputError('output directory exists and is not empty', { file: outDir });
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  await mkdir(outDir, { recursive: true });
}

async function finish(components: BundleComponent[], options: BuildCommonOptions, defaultVersion: string): Promise<BuildResult> {
  const now = options.now ?? new Date();
  const manifest: BundleManifest = {
    format: 1,
    name: options.name ?? 'misp',
    version: options.version ?? defaultVersion,
    created: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    components,
  };
  await writeFile(join(options.outDir, MANIFEST_FILE), serializeManifest(manifest));
  if (!options.tar) return { dir: options.outDir, manifest };
  const tarPath = `${options.outDir.replace(/\/+$/, '')}.tar`;
  await execa('tar', ['-cf', tarPath, '-C', dirname(options.outDir), basename(options.outDir)]);
  return { dir: options.outDir, manifest, tarPath };
}

function dateVersion(now: Date): string {
  return now.toISOString().slice(0, 10).replace(/-/g, '');
}

/** Bundle upstream-named image files (MISP_<tag>_<sha>.tar.gz, ...) and their optional `<file>.sig`. */
export async function buildFromImages(imagesDir: string, options: BuildCommonOptions): Promise<BuildResult> {
  let entries;
  try {
    entries = await readdir(imagesDir, { withFileTypes: true });
  } catch {
    throw new InputError('images directory not found', { file: imagesDir });
  }
  const files = entries.filter((entry) => entry.isFile() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
  const images = files.filter((name) => !isSignatureName(name));
  const signatures = new Set(files.filter(isSignatureName));
  if (images.length === 0) throw new InputError(`no image files; expected ${EXPECTED_NAMES}`, { file: imagesDir });
  const parsed = images.map((file) => {
    const name = parseImageName(file);
    if (!name) throw new InputError(`unknown image file name '${file}': expected ${EXPECTED_NAMES}`, { file: join(imagesDir, file) });
    return { file, ...name };
  });
  const byComponent = new Map<string, string>();
  for (const image of parsed) {
    const other = byComponent.get(image.component);
    if (other) throw new InputError(`two images for component '${image.component}': ${other} and ${image.file}; keep one`, { file: imagesDir });
    byComponent.set(image.component, image.file);
  }
  for (const sig of signatures) {
    if (!images.includes(sig.slice(0, -'.sig'.length))) throw new InputError(`signature '${sig}' has no image file beside it`, { file: join(imagesDir, sig) });
  }

  await prepareOutDir(options.outDir);
  const components: BundleComponent[] = [];
  for (const image of parsed) {
    const target = join(options.outDir, image.file);
    await placeFile(join(imagesDir, image.file), target);
    const { sha256, size } = await sha256File(target);
    const component: BundleComponent = {
      name: image.component,
      file: image.file,
      size,
      sha256,
      // a unified LXD image's fingerprint is the SHA-256 of its tarball (upstream build.sh exports unified images)
      lxd_fingerprint: sha256,
      upstream_version: image.upstreamVersion,
      ...(image.upstreamCommit ? { upstream_commit: image.upstreamCommit } : {}),
    };
    const sig = `${image.file}.sig`;
    if (signatures.has(sig)) {
      await placeFile(join(imagesDir, sig), join(options.outDir, sig));
      component.signature = sig;
    }
    components.push(component);
  }
  const misp = parsed.find((image) => image.component === 'misp');
  return finish(components, options, misp?.upstreamVersion ?? dateVersion(options.now ?? new Date()));
}

/** `lxc query` returns JSON; the alias and image records are all we need. */
async function lxcQuery(path: string): Promise<Record<string, unknown>> {
  const { stdout } = await execa('lxc', ['query', path]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** `--from-lxd [component=]alias`: export images from the local LXD (unified tarballs) into a bundle. */
export async function buildFromLxd(specs: readonly string[], options: BuildCommonOptions): Promise<BuildResult> {
  await prepareOutDir(options.outDir);
  const components: BundleComponent[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const alias = eq >= 0 ? spec.slice(eq + 1) : spec;
    const component = (eq >= 0 ? spec.slice(0, eq) : alias).toLowerCase().replace(/[^a-z0-9_-]/g, '-');
    let fingerprint: string;
    let version: string;
    try {
      const aliasRecord = await lxcQuery(`/1.0/images/aliases/${encodeURIComponent(alias)}`);
      fingerprint = String(aliasRecord['target']);
      const image = await lxcQuery(`/1.0/images/${fingerprint}`);
      const properties = (image['properties'] ?? {}) as Record<string, unknown>;
      version = typeof properties['version'] === 'string' && properties['version'] !== '' ? properties['version'] : fingerprint.slice(0, 12);
    } catch (error) {
      throw new InputError(`LXD image alias '${alias}' not found in the local LXD: ${(error as Error).message.split('\n')[0] ?? ''}`, { file: spec });
    }
    const exportDir = join(options.outDir, `.export-${component}`);
    await mkdir(exportDir);
    await execa('lxc', ['image', 'export', alias, `${exportDir}/`]);
    const exported = await readdir(exportDir);
    if (exported.length !== 1 || !exported[0]) {
      await rm(exportDir, { recursive: true, force: true });
      throw new InputError(`image '${alias}' is a split image (${exported.join(', ')}); bundles carry unified images: re-publish it as unified`, { file: spec });
    }
    const file = `${component}_${fingerprint.slice(0, 12)}${exported[0].endsWith('.tar.xz') ? '.tar.xz' : '.tar.gz'}`;
    await rename(join(exportDir, exported[0]), join(options.outDir, file));
    await rm(exportDir, { recursive: true, force: true });
    const { sha256, size } = await sha256File(join(options.outDir, file));
    if (sha256 !== fingerprint) {
      throw new InputError(`exported image '${alias}' hashes to ${sha256}, but LXD calls it ${fingerprint}`, { file: spec });
    }
    components.push({ name: component, file, size, sha256, lxd_fingerprint: fingerprint, upstream_version: version });
  }
  return finish(components, options, dateVersion(options.now ?? new Date()));
}
