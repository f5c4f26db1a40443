// Vaulted vars_files are read when a play starts, per host (their names may be templates). Their secrets are
// checked before the run instead, so that a wrong password is the usual input error (exit 1, nothing run on any
// host) rather than a failure on every host of the play.
import { readFile } from 'node:fs/promises';
import { loadVarsFile } from '../inventory/yaml-load.js';
import type { Playbook } from '../playbook/types.js';
import { isVaulted } from '../vault/format.js';

export async function decryptVarsFilesEarly(playbooks: readonly Playbook[]): Promise<void> {
  const paths = new Set(playbooks.flatMap((playbook) => playbook.plays.flatMap((play) => play.varsFiles)));
  for (const path of paths) {
    if (path.includes('{{')) continue;
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined || (!isVaulted(text) && !text.includes('!vault'))) continue;
    await loadVarsFile(path); // decrypts, or throws the InputError that names the file, line and vault id
  }
}
