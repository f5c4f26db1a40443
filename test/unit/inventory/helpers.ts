// Writing small inventories to a temporary directory for tests that read real files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempTree {
  dir: string;
  path(relative: string): string;
  remove(): void;
}

/** Files relative to a fresh temporary directory, e.g. { 'hosts.yml': '...', 'group_vars/web.yml': '...' }. */
export function writeTree(files: Record<string, string>): TempTree {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-inventory-test-'));
  for (const [relative, text] of Object.entries(files)) {
    const full = join(dir, relative);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return { dir, path: (relative) => join(dir, relative), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
