// Turning `-i` arguments into parsed inventory, as ansible's InventoryManager does: a comma list is a host list,
// a directory contributes its files (sorted, with ansible's ignore rules), a file is YAML or INI.
import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { InputError } from '../util/errors.js';
import { parseAddress } from './address.js';
import type { InventoryBuilder } from './builder.js';
import { parseIni } from './ini.js';
import { looksLikeYamlInventory, parseYamlInventory } from './yaml.js';
import { parseYaml, readText, type LoadedYaml } from './yaml-load.js';

/** ansible's IGNORED: hidden files, vars dirs, and INVENTORY_IGNORE_EXTS (note: `.ini` files are skipped in a directory). */
const IGNORED_IN_DIRECTORY = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;
const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

export interface ParsedSources {
  /** directories whose group_vars/ and host_vars/ apply, one per -i source in order (ansible loads them per source) */
  varsDirs: string[];
}

function isHostList(source: string): boolean {
  return source.includes(',');
}

/** `-i 'web1,web2:2222,'`: ansible's host_list plugin. */
function parseHostList(source: string, inventory: InventoryBuilder): void {
  for (const item of source.split(',')) {
    const text = item.trim();
    if (text === '') continue;
    const parsed = parseAddress(text);
    const host = parsed && !parsed.host.includes('[') ? parsed.host : text;
    inventory.addHost(host, 'ungrouped', parsed?.port);
  }
}

async function parseFile(path: string, inventory: InventoryBuilder): Promise<void> {
  const text = await readText(path);
  const ext = extname(path);
  if (ext === '.toml') throw new InputError('TOML inventories are not supported; use YAML or INI', { file: path });
  if (YAML_EXTENSIONS.includes(ext)) {
    // ansible would fall back to the INI parser after a YAML failure; for a file named .yml the YAML error is the
    // one the operator needs to see
    parseYamlInventory(parseYaml(text, path), inventory);
    return;
  }
  if (ext === '') {
    // no extension: YAML when it reads as a YAML inventory, else INI (ansible tries its yaml plugin, then ini)
    let loaded: LoadedYaml | undefined;
    try {
      loaded = parseYaml(text, path);
    } catch {
      loaded = undefined;
    }
    if (loaded && looksLikeYamlInventory(loaded)) {
      parseYamlInventory(loaded, inventory);
      return;
    }
  }
  parseIni(text, path, inventory);
}

async function parsePath(path: string, inventory: InventoryBuilder, visited: ReadonlySet<string> = new Set()): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new InputError('inventory source: symbolic link loop', { file: path });
    throw new InputError(`inventory source ${path} does not exist`);
  }
  if (info.isDirectory()) {
    // device:inode of the directories on the way down: a link back to one of them is a loop, not a hang
    const id = `${info.dev}:${info.ino}`;
    if (visited.has(id)) throw new InputError('inventory directory loop: a symbolic link leads back to a directory above it', { file: path });
    let entries: string[];
    try {
      entries = (await readdir(path)).sort();
    } catch (error) {
      throw new InputError(`cannot list inventory directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { file: path });
    }
    for (const entry of entries) {
      if (IGNORED_IN_DIRECTORY.test(entry)) continue;
      await parsePath(join(path, entry), inventory, new Set([...visited, id]));
    }
    return;
  }
  // ansible runs executable files as inventory scripts; airlock never executes inventory, it reads it as data
  inventory.currentSource = { file: path, dir: dirname(path) };
  await parseFile(path, inventory);
  inventory.currentSource = undefined;
}

/** Parse every source in order into `inventory`; returns where to look for group_vars/ and host_vars/. */
export async function parseSources(sources: string[], cwd: string, inventory: InventoryBuilder): Promise<ParsedSources> {
  const varsDirs: string[] = [];
  for (const source of sources) {
    const path = resolve(cwd, source);
    if (isHostList(source)) {
      let exists = true;
      try {
        await stat(path);
      } catch {
        exists = false;
      }
      if (!exists) {
        inventory.currentSource = { file: source, dir: null };
        parseHostList(source, inventory);
        inventory.currentSource = undefined;
        continue;
      }
    }
    await parsePath(path, inventory);
    const info = await stat(path);
    varsDirs.push(info.isDirectory() ? path : resolve(path, '..'));
  }
  return { varsDirs };
}
