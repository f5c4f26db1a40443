// mode/owner/group handling shared by copy, template, file and lineinfile: normalise what the operator wrote, compare
// it with the probed state, and emit only the chmod/chown commands that change something (so a second run is `ok`).
import { sh } from '../../util/shell.js';
import { ModuleArgError } from './common.js';
import type { RemoteState } from './remote-state.js';

export interface FileAttributes {
  mode?: string | number;
  owner?: string;
  group?: string;
}

const OCTAL = /^[0-7]{3,4}$/;
const SYMBOLIC = /^[ugoa]*[-+=][rwxXst]*([-+=][rwxXst]*)*(,[ugoa]*[-+=][rwxXst]*([-+=][rwxXst]*)*)*$/;

/**
 * A number is the mode's value (YAML 1.1 reads `0644` as 420, as Ansible does); a string is octal digits or a
 * symbolic chmod expression. Returns four octal digits or the symbolic text.
 */
export function normalizeMode(module: string, mode: string | number): string {
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new ModuleArgError(module, `'mode' ${mode} is not a valid file mode`);
    return mode.toString(8).padStart(4, '0');
  }
  if (OCTAL.test(mode)) return mode.padStart(4, '0');
  if (SYMBOLIC.test(mode)) return mode;
  throw new ModuleArgError(module, `'mode' must be octal like '0644' or symbolic like 'u+rwx,g-w', got ${JSON.stringify(mode)}`);
}

/** chmod's symbolic semantics on a numeric mode, so that symbolic modes can be compared (idempotence, check mode). */
export function applySymbolicMode(current: number, spec: string, isDirectory: boolean): number {
  let mode = current;
  for (const clause of spec.split(',')) {
    const match = /^([ugoa]*)(.*)$/.exec(clause);
    const whoText = match?.[1] ?? '';
    const who = whoText === '' || whoText.includes('a') ? 'ugo' : whoText;
    const ops = (match?.[2] ?? '').match(/[-+=][rwxXst]*/g) ?? [];
    for (const op of ops) {
      const action = op[0];
      const perms = op.slice(1);
      let bits = 0;
      for (const who1 of who) {
        const shift = who1 === 'u' ? 6 : who1 === 'g' ? 3 : 0;
        if (perms.includes('r')) bits |= 4 << shift;
        if (perms.includes('w')) bits |= 2 << shift;
        const executable = isDirectory || (current & 0o111) !== 0;
        if (perms.includes('x') || (perms.includes('X') && executable)) bits |= 1 << shift;
        if (perms.includes('s') && who1 === 'u') bits |= 0o4000;
        if (perms.includes('s') && who1 === 'g') bits |= 0o2000;
      }
      if (perms.includes('t')) bits |= 0o1000;
      if (action === '+') mode |= bits;
      else if (action === '-') mode &= ~bits;
      else {
        let clear = 0;
        for (const who1 of who) clear |= who1 === 'u' ? 0o4700 : who1 === 'g' ? 0o2070 : 0o1007;
        mode = (mode & ~clear) | bits;
      }
    }
  }
  return mode;
}

/** The mode the path will have after applying `mode` (octal or symbolic) to its current mode. */
export function targetMode(mode: string, current: RemoteState | undefined): string {
  if (OCTAL.test(mode)) return mode.padStart(4, '0');
  const currentValue = current && current.mode ? parseInt(current.mode, 8) : 0o644;
  return applySymbolicMode(currentValue, mode, current?.type === 'directory').toString(8).padStart(4, '0');
}

/** Whether an owner/group as written (name or numeric id) differs from the probed one. */
function differs(wanted: string, name: string, id: number): boolean {
  return /^\d+$/.test(wanted) ? Number(wanted) !== id : wanted !== name;
}

export interface AttributeChange {
  commands: string[];
  /** human-readable list of what would change, e.g. ["mode 0600 -> 0644"] */
  changes: string[];
}

/**
 * chmod/chown commands to bring `path` (currently `current`, absent when it is about to be created) to `wanted`.
 * A path that is about to be created gets every requested attribute applied.
 */
export function attributeCommands(path: string, wanted: FileAttributes, current: RemoteState | undefined, module: string): AttributeChange {
  const commands: string[] = [];
  const changes: string[] = [];
  const exists = current !== undefined && current.type !== 'absent';
  if (wanted.owner !== undefined || wanted.group !== undefined) {
    const ownerChanges = wanted.owner !== undefined && (!exists || differs(wanted.owner, current.owner, current.uid));
    const groupChanges = wanted.group !== undefined && (!exists || differs(wanted.group, current.group, current.gid));
    if (ownerChanges || groupChanges) {
      const spec = `${ownerChanges && wanted.owner !== undefined ? wanted.owner : ''}${groupChanges && wanted.group !== undefined ? `:${wanted.group}` : ''}`;
      commands.push(sh`chown ${spec} -- ${path}`);
      if (ownerChanges) changes.push(`owner ${exists ? current.owner : '(new)'} -> ${wanted.owner}`);
      if (groupChanges) changes.push(`group ${exists ? current.group : '(new)'} -> ${wanted.group}`);
    }
  }
  if (wanted.mode !== undefined) {
    const mode = normalizeMode(module, wanted.mode);
    const target = targetMode(mode, exists ? current : undefined);
    if (!exists || target !== current.mode) {
      commands.push(sh`chmod ${target} -- ${path}`);
      changes.push(`mode ${exists ? current.mode : '(new)'} -> ${target}`);
    }
  }
  return { commands, changes };
}
