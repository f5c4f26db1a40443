// The host's account databases as user, group and authorized_key read them: one exec prints the passwd entry, the
// shadow hash and every group (tagged lines), parsed here into plain records. What getent prints is data: it is
// split on ':' and never evaluated.
import { sh } from '../../util/shell.js';
import { exec, ModuleArgError } from './common.js';
import type { ModuleContext } from './types.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface AccountState {
  user: PasswdEntry | undefined;
  /** the shadow password field ('' when the user has no shadow entry) */
  hash: string;
  /** whether the user's home directory exists */
  homeExists: boolean;
  groups: GroupEntry[];
}

/** A user or group name that the shadow tools accept: no ':' or line breaks (they would forge database fields), no leading '-'. */
export function accountName(module: string, value: string, what = 'name'): string {
  if (value === '' || /[:\n\r,]/.test(value) || value.startsWith('-') || /\s/.test(value)) {
    throw new ModuleArgError(module, `'${what}' ${JSON.stringify(value)} is not a valid account name`);
  }
  return value;
}

export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const fields = line.split(':');
  if (fields.length < 7) return undefined;
  const [name, , uid, gid, gecos, home, shell] = fields as [string, string, string, string, string, string, string];
  return { name, uid: Number(uid), gid: Number(gid), gecos, home, shell };
}

export function parseGroupLine(line: string): GroupEntry | undefined {
  const fields = line.split(':');
  if (fields.length < 4) return undefined;
  const [name, , gid, members] = fields as [string, string, string, string];
  return { name, gid: Number(gid), members: members === '' ? [] : members.split(',') };
}

/** One exec: `U` passwd line, `S` shadow hash, `H` when the home exists, one `G` line per group. */
export function accountProbeCommand(user: string): string {
  return [
    sh`u=$(getent passwd ${user}) && printf 'U\\t%s\\n' "$u"`,
    sh`s=$(getent shadow ${user} | cut -d: -f2) && printf 'S\\t%s\\n' "$s"`,
    sh`h=$(getent passwd ${user} | cut -d: -f6) && [ -n "$h" ] && [ -d "$h" ] && printf 'H\\n'`,
    `getent group | sed 's/^/G\\t/'`,
    'true',
  ].join('; ');
}

export function parseAccountProbe(stdout: string): AccountState {
  const state: AccountState = { user: undefined, hash: '', homeExists: false, groups: [] };
  for (const line of stdout.split('\n')) {
    const tab = line.indexOf('\t');
    const tag = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    if (tag === 'U') state.user = parsePasswdLine(rest);
    else if (tag === 'S') state.hash = rest;
    else if (tag === 'H') state.homeExists = true;
    else if (tag === 'G') {
      const group = parseGroupLine(rest);
      if (group) state.groups.push(group);
    }
  }
  return state;
}

/** A group by name, or by number as the shadow tools accept it. */
export function findGroup(groups: readonly GroupEntry[], nameOrGid: string): GroupEntry | undefined {
  return groups.find((group) => group.name === nameOrGid) ?? (/^\d+$/.test(nameOrGid) ? groups.find((group) => group.gid === Number(nameOrGid)) : undefined);
}

/** One `getent DATABASE NAME` line, or undefined when there is no such entry (getent's rc 2); any other failure throws. */
export async function getentEntry(ctx: ModuleContext, module: string, database: 'passwd' | 'group', name: string): Promise<string | undefined> {
  const result = await exec(ctx, sh`getent ${database} ${name}`);
  if (result.rc === 2) return undefined;
  if (result.rc !== 0) throw new Error(`${module}: getent ${database} ${name} failed (rc ${result.rc}): ${result.stderr.trim()}`);
  return result.stdout.trim();
}
