// Command lines for command, shell and raw, built as small pure functions (asserted verbatim by the unit tests).
// `creates`/`removes` are decided in the same exec as the command: one round trip per task.
import { joinCommand, sh } from '../../util/shell.js';

/** Printed (alone) by the guard when creates/removes says the command should not run. */
export const SKIP_MARKER = '__AIRLOCK_SKIPPED__';

export interface Guard {
  creates?: string;
  removes?: string;
}

/** Shell text that prints SKIP_MARKER and exits 0 when the guard says not to run; empty without a guard. */
export function guardPrefix(guard: Guard): string {
  const parts: string[] = [];
  if (guard.creates !== undefined) parts.push(sh`if [ -e ${guard.creates} ]; then echo ${SKIP_MARKER}; exit 0; fi; `);
  if (guard.removes !== undefined) parts.push(sh`if [ ! -e ${guard.removes} ]; then echo ${SKIP_MARKER}; exit 0; fi; `);
  return parts.join('');
}

/** Check mode: only evaluate the guard. Prints SKIP_MARKER when the command would not run. */
export function guardOnlyCommand(guard: Guard): string {
  return `${guardPrefix(guard)}true`;
}

function inDirectory(chdir: string | undefined, command: string): string {
  return chdir === undefined ? command : `${sh`cd -- ${chdir}`} && ${command}`;
}

/** command: argv words each quoted, so nothing in them is expanded by a shell. */
export function commandModuleLine(argv: readonly string[], options: Guard & { chdir?: string }): string {
  return guardPrefix(options) + inDirectory(options.chdir, joinCommand(argv));
}

/** shell: the operator's script runs through `executable -c` (default /bin/sh), passed as one quoted word. */
export function shellModuleLine(script: string, options: Guard & { chdir?: string; executable?: string }): string {
  const executable = options.executable ?? '/bin/sh';
  return guardPrefix(options) + inDirectory(options.chdir, joinCommand([executable, '-c', script]));
}

/** raw: sent as written (that is its purpose), or through `executable -c` when one is given. */
export function rawModuleLine(text: string, executable: string | undefined): string {
  return executable === undefined ? text : joinCommand([executable, '-c', text]);
}
