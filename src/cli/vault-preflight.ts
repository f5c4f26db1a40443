// Vaulted vars_files are read when a play starts, per host (their names may be templates). Their secrets are
// checked before the run instead, so that a wrong password is the usual input error (exit 1, nothing run on any
// host) rather than a failure on every host of the play.
import { readInputText } from '../util/input-file.js';
import { loadVarsFile } from '../parsing/yaml-load.js';
import type { Playbook } from '../playbook/types.js';
import { isVaulted } from '../vault/format.js';

export async function decryptVarsFilesEarly(playbooks: readonly Playbook[]): Promise<void> {
  const paths = new Set(playbooks.flatMap((playbook) => playbook.plays.flatMap((play) => play.varsFiles)));
  for (const path of paths) {
    if (path.includes('{{')) continue;
    // a missing file is the run's to report; a FIFO, a device or a file over the size limit is refused now
    const text = await readInputText(path, { what: 'vars file' }).catch((error: unknown) => {
      if ((error as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined || (!isVaulted(text) && !text.includes('!vault'))) continue;
    await loadVarsFile(path); // decrypts, or throws the InputError that names the file, line and vault id
  }
}
