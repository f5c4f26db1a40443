// Where airlock's own playbooks/ and roles/ are: the checkout (dist/src/util -> ../../..) or the packaged artifact
// (lib/ -> ..). Commands such as `airlock rollback` run the playbooks shipped with airlock, wherever it is installed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export function airlockHome(): string {
  for (const relative of ['../../../', '../', '../../']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(join(dir, 'playbooks')) && existsSync(join(dir, 'roles'))) return dir;
  }
  throw new Error(`cannot find airlock's playbooks/ and roles/ near ${fileURLToPath(import.meta.url)}`);
}

export function shippedPlaybook(name: string): string {
  return join(airlockHome(), 'playbooks', name);
}
