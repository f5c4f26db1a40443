// `npm run package`: build/airlock-<version>.tar.gz plus its .sha256, the one thing carried across the air gap.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bundleCli } from './bundle.js';
import { stageTree } from './layout.js';

const run = promisify(execFile);

export interface PackageOptions {
  projectRoot: string;
  /** where the tarball and checksum land; default <projectRoot>/build */
  outDir?: string;
}

export interface PackageResult {
  version: string;
  tarball: string;
  checksumFile: string;
  sha256: string;
  tarballBytes: number;
  bundleBytes: number;
  bundledPackages: string[];
}

export async function readVersion(projectRoot: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`${join(projectRoot, 'package.json')}: no "version" string`);
  return pkg.version;
}

export async function packageAirlock(options: PackageOptions): Promise<PackageResult> {
  const version = await readVersion(options.projectRoot);
  const outDir = options.outDir ?? join(options.projectRoot, 'build');
  const name = `airlock-${version}`;
  await mkdir(outDir, { recursive: true });
  // staged beside the output (same filesystem, nothing half-written under the final name)
  const work = await mkdtemp(join(outDir, `.${name}-stage-`));
  try {
    const stageDir = join(work, name);
    await stageTree(options.projectRoot, stageDir);
    const bundle = await bundleCli({ projectRoot: options.projectRoot, outFile: join(stageDir, 'lib', 'airlock.mjs'), version });
    const tarball = join(outDir, `${name}.tar.gz`);
    await writeTarball(work, name, tarball);
    const sha256 = await sha256File(tarball);
    const checksumFile = `${tarball}.sha256`;
    // sha256sum's own format (two spaces, bare file name) so `sha256sum -c` works in the directory the files sit in
    await writeFile(checksumFile, `${sha256}  ${basename(tarball)}\n`);
    return {
      version,
      tarball,
      checksumFile,
      sha256,
      tarballBytes: (await stat(tarball)).size,
      bundleBytes: bundle.bytes,
      bundledPackages: bundle.packages,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * GNU tar with fixed owner and order: the workstation's root unpacks files owned by root (not by whichever uid built
 * them), and two builds of the same tree list their files identically.
 */
async function writeTarball(parent: string, dirName: string, tarball: string): Promise<void> {
  const partial = `${tarball}.part`;
  await run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-C', parent, '-czf', partial, dirName]);
  await run('mv', ['-f', partial, tarball]);
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}
