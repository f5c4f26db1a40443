// A bundle on the controller is a directory, or one `.tar` of that directory (easier to carry on removable media).
// Tars are unpacked into a private temp directory for the duration of a command and removed afterwards.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa, ExecaError } from 'execa';
import { InputError } from '../util/errors.js';
import { readInputBytes } from '../util/input-file.js';
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

/**
 * Only regular files and directories: a symlink could make verify hash (and push send) a file from outside the
 * bundle, or print a file it should never read; a FIFO or device would hang or flood a read. Refused by name.
 */
async function refuseSpecialEntries(root: string, dir: string = root): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await refuseSpecialEntries(root, path);
    else if (!entry.isFile()) {
      const kind = entry.isSymbolicLink() ? 'a symbolic link' : entry.isFIFO() ? 'a FIFO' : entry.isSocket() ? 'a socket' : 'a device or special file';
      throw new InputError(`the bundle holds ${kind}, '${relative(root, path)}': a bundle holds only regular files (links are not followed)`, { file: path });
    }
  }
}

/** tar's own complaint ("This does not look like a tar archive"), not execa's "Command failed ... tar -xf ...". */
function tarReason(error: unknown): string {
  const stderr = error instanceof ExecaError && typeof error.stderr === 'string' ? error.stderr : '';
  const line = stderr.split('\n').map((l) => l.replace(/^tar: /, '').trim()).find((l) => l !== '' && !/^Exiting with failure/.test(l));
  return line ?? 'tar could not unpack it';
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
      // --no-same-owner: as root, tar would otherwise give the files the archive's owners
      await execa('tar', ['-xf', path, '-C', temp, '--no-same-owner']);
      dir = await findManifestDir(temp);
    } catch (error) {
      await cleanup();
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot unpack bundle tar: ${tarReason(error)}`, { file: path });
    }
  } else if (!info.isDirectory()) {
    throw new InputError('bundle must be a directory or a .tar file', { file: path });
  }
  const manifestPath = join(dir, MANIFEST_FILE);
  let manifestBytes: Buffer;
  try {
    await refuseSpecialEntries(dir);
    manifestBytes = await readInputBytes(manifestPath, { what: 'bundle manifest', noFollow: true });
  } catch (error) {
    await cleanup();
    if (error instanceof InputError && (error.cause as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') throw error;
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
