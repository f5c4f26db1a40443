// A bundle on the controller is a directory, or one `.tar` of that directory (easier to carry on removable media).
// Tars are unpacked into a private temp directory for the duration of a command and removed afterwards.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { InputError } from '../util/errors.js';
import { MANIFEST_FILE, type BundleManifest } from './manifest.js';
import { parseManifest } from './schema.js';

export interface OpenBundle {
  /** directory that holds manifest.json and the images */
  dir: string;
  manifest: BundleManifest;
  /** the exact manifest bytes (what the ed25519 signature covers) */
  manifestBytes: Buffer;
  /** remove the temp directory of an unpacked tar; no-op for a directory bundle */
  close(): Promise<void>;
}

async function findManifestDir(root: string): Promise<string> {
  const entries = await readdir(root, { withFileTypes: true });
  if (entries.some((entry) => entry.isFile() && entry.name === MANIFEST_FILE)) return root;
  // `tar -cf b.tar -C parent b` puts everything under one top directory
  const dirs = entries.filter((entry) => entry.isDirectory());
  if (dirs.length === 1 && dirs[0]) return findManifestDir(join(root, dirs[0].name));
  throw new InputError(`no ${MANIFEST_FILE} in the bundle`, { file: root });
}

export async function openBundle(path: string): Promise<OpenBundle> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError('bundle not found', { file: path });
  }
  let dir = path;
  let cleanup = async (): Promise<void> => {};
  if (info.isFile()) {
    const temp = await mkdtemp(join(tmpdir(), 'airlock-bundle-'));
    cleanup = async () => rm(temp, { recursive: true, force: true });
    try {
      await execa('tar', ['-xf', path, '-C', temp]);
      dir = await findManifestDir(temp);
    } catch (error) {
      await cleanup();
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot unpack bundle tar: ${(error as Error).message.split('\n')[0] ?? ''}`, { file: path });
    }
  } else if (!info.isDirectory()) {
    throw new InputError('bundle must be a directory or a .tar file', { file: path });
  }
  const manifestPath = join(dir, MANIFEST_FILE);
  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(manifestPath);
  } catch {
    await cleanup();
    throw new InputError(`no ${MANIFEST_FILE} in the bundle`, { file: path });
  }
  try {
    const manifest = parseManifest(manifestBytes.toString('utf8'), manifestPath);
    return { dir, manifest, manifestBytes, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
