// group_vars/ and host_vars/ next to each inventory source, found the way ansible's host_group_vars plugin and
// DataLoader.find_vars_files find them: `NAME` (no extension) first, then NAME.yml, NAME.yaml, NAME.json - the
// first that exists wins; a directory NAME/ contributes all its files (sorted, recursively, hidden and `~` skipped).
import { readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import { InputError } from '../util/errors.js';
import { loadVarsFile } from './yaml-load.js';
import type { Vars } from './types.js';

const VARS_EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * undefined when nothing is there; a link loop, a dangling link or an unreadable path is an error, never skipped
 * (a skipped vars file is a host quietly configured with the wrong values).
 */
async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const reason = code === 'ELOOP' ? 'symbolic link loop' : `cannot read it (${code ?? String(error)})`;
    throw new InputError(`vars path: ${reason}`, { file: path }, { cause: error });
  }
}

async function entriesOf(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    throw new InputError(`cannot list vars directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { file: dir }, { cause: error });
  }
}

/** `visited`: device:inode of the directories on the way down, so that a link to an ancestor is a loop, not a hang. */
async function filesInVarsDir(dir: string, visited: ReadonlySet<string> = new Set()): Promise<string[]> {
  const self = await stat(dir);
  const id = `${self.dev}:${self.ino}`;
  if (visited.has(id)) throw new InputError('vars directory loop: a symbolic link leads back to a directory above it', { file: dir });
  const below = new Set([...visited, id]);
  const found: string[] = [];
  for (const entry of await entriesOf(dir)) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = join(dir, entry);
    const ext = extname(entry);
    const info = await statOrUndefined(full);
    if (info?.isDirectory() && ext === '') found.push(...(await filesInVarsDir(full, below)));
    else if (info?.isFile() && VARS_EXTENSIONS.includes(ext)) found.push(full);
  }
  return found;
}

/** The files that hold vars for `name` under `dir` (e.g. <inventory dir>/group_vars), in load order. */
export async function findVarsFiles(dir: string, name: string): Promise<string[]> {
  for (const ext of VARS_EXTENSIONS) {
    const candidate = join(dir, `${name}${ext}`);
    const info = await statOrUndefined(candidate);
    if (!info) continue;
    return info.isDirectory() ? filesInVarsDir(candidate) : [candidate];
  }
  return [];
}

/** Variables from <baseDir>/<kind>/<name>*, later files overriding earlier ones; {} when there are none. */
export async function loadEntityVars(baseDir: string, kind: 'group_vars' | 'host_vars', name: string): Promise<Vars> {
  // ansible skips names that look like absolute paths ('chroot' style inventory hostnames)
  if (isAbsolute(name)) return {};
  const dir = join(baseDir, kind);
  const info = await statOrUndefined(dir);
  if (!info?.isDirectory()) return {};
  let vars: Vars = {};
  for (const file of await findVarsFiles(dir, name)) {
    const data = await loadVarsFile(file);
    if (data) vars = { ...vars, ...data };
  }
  return vars;
}
