// What goes into the artifact beside the bundle: the launcher, airlock's own playbooks/roles, example inventories and
// the README. Nothing here is generated per workstation; unpacking is the whole installation.
import { chmod, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** POSIX sh, so it runs where only node and a shell exist; follows a symlink (/usr/local/bin/airlock -> here). */
export const LAUNCHER = `#!/bin/sh
# airlock launcher: runs the bundled CLI with the node on PATH (or AIRLOCK_NODE). Needs Node.js 20 or newer.
self=$(readlink -f -- "$0" 2>/dev/null) || self=$0
exec "\${AIRLOCK_NODE:-node}" "$(dirname -- "$self")/../lib/airlock.mjs" "$@"
`;

/**
 * \`airlock rollback\` re-runs the CLI as \`node <dir of the running module>/main.js run ...\`: in the checkout that is
 * dist/src/cli/main.js, in the artifact lib/main.js. This shim makes that path the bundle. CommonJS (no package.json
 * in the artifact says otherwise) with a dynamic import, which loads the ES module bundle on every Node from 20 on.
 */
const MAIN_SHIM = `// Alias of airlock.mjs for commands that re-run the CLI by its checkout file name (airlock rollback).
import('./airlock.mjs');
`;

/** Directories copied whole (relative to the checkout), with files a workstation must never get filtered out. */
const SHIPPED_DIRS = ['roles', 'playbooks', 'inventories', 'docs'];

/** Lab inventories hold this machine's lab addresses and key paths: meaningless (and misleading) anywhere else. */
function isShipped(relativePath: string): boolean {
  const parts = relativePath.split(sep);
  const name = parts[parts.length - 1] ?? '';
  if (parts[0] === 'inventories' && parts.length === 2 && /^lab.*\.ya?ml$/.test(name)) return false;
  return name !== '.airlock';
}

export async function stageTree(projectRoot: string, stageDir: string): Promise<void> {
  await mkdir(join(stageDir, 'bin'), { recursive: true });
  await mkdir(join(stageDir, 'lib'), { recursive: true });
  await writeFile(join(stageDir, 'bin', 'airlock'), LAUNCHER);
  await chmod(join(stageDir, 'bin', 'airlock'), 0o755);
  await writeFile(join(stageDir, 'lib', 'main.js'), MAIN_SHIM);
  for (const dir of SHIPPED_DIRS) {
    const source = join(projectRoot, dir);
    if (!(await exists(source))) continue;
    await cp(source, join(stageDir, dir), {
      recursive: true,
      filter: (path) => isShipped(relative(projectRoot, path)),
    });
  }
  await writeFile(join(stageDir, 'README.md'), await readme(projectRoot));
  if (await exists(join(projectRoot, 'LICENSE'))) await cp(join(projectRoot, 'LICENSE'), join(stageDir, 'LICENSE'));
}

/** The README; until the lead merges one into the checkout, the air-gap install notes stand in for it. */
async function readme(projectRoot: string): Promise<string> {
  for (const candidate of ['README.md', 'docs/airgap-install.md']) {
    const path = join(projectRoot, candidate);
    if (await exists(path)) return readFile(path, 'utf8');
  }
  return '# airlock\n\nRun `bin/airlock --help`.\n';
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
