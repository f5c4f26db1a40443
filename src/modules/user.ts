// user: a local account present (uid, primary and supplementary groups, comment, home, shell, password hash, lock)
// or absent, as Ansible's user module does it on Linux: useradd / usermod / userdel with Ansible's options in
// Ansible's order, so the commands read as Ansible's would. One exec reads passwd, shadow and the group database;
// the plan is a pure function of that (userPlan); at most one command changes the account, one more makes a
// missing home. Check mode plans and runs nothing.
import { posix } from 'node:path';
import { joinCommand, sh } from '../util/shell.js';
import { accountName, accountProbeCommand, findGroup, parseAccountProbe, type AccountState } from './lib/accounts.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString, stripTrailingNewlines } from './lib/common.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';

export interface UserSpec {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  nonUnique: boolean;
  group?: string;
  /** supplementary groups; [] (Ansible's groups: '') means none */
  groups?: string[];
  append: boolean;
  comment?: string;
  home?: string;
  shell?: string;
  password?: string;
  updatePassword: 'always' | 'on_create';
  passwordLock?: boolean;
  createHome: boolean;
  moveHome: boolean;
  skeleton?: string;
  system: boolean;
  remove: boolean;
  force: boolean;
}

export interface UserPlan {
  /** the account command (useradd/usermod/userdel), if any */
  command?: string;
  /** make the home of an existing user whose home is missing */
  makeHome?: string;
  /** Ansible's fail_json message (a group that does not exist) */
  error?: string;
}

/** Ansible's heuristic for a password given in clear text instead of as a crypt(3) hash. */
export function looksUnhashed(password: string): boolean {
  if (['*', '!', '*************'].includes(password)) return false;
  if (/[:*!]/.test(password) || !password.includes('$')) return true;
  const fields = password.split('$');
  if (fields.length < 3) return true;
  const last = fields[fields.length - 1] ?? '';
  const lengths: Record<string, number> = { '1': 22, '5': 43, '6': 86 };
  const wanted = lengths[fields[1] ?? ''];
  return /[^a-zA-Z0-9./=]/.test(last) || (wanted !== undefined && last.length !== wanted);
}

/** The home of an existing account made as Ansible's create_homedir does: a copy of the skeleton, mode from login.defs' UMASK, owned by the user. */
export function makeHomeCommand(home: string, skeleton: string, uid: number, gid: number): string {
  return [
    sh`mkdir -p -- ${posix.dirname(home)}`,
    sh`if [ -d ${skeleton} ]; then cp -a -- ${skeleton} ${home}; else mkdir -p -- ${home}; fi`,
    // login.defs is read as Ansible reads it: the last `UMASK <octal>` line, if any, sets the home's mode
    sh`m=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-7]\\{1,\\}\\)$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1); if [ -n "$m" ]; then chmod "$(printf '%o' $((0777 & ~0$m)))" -- ${home}; fi`,
    sh`chown -R ${`${uid}:${gid}`} -- ${home}`,
  ].join(' && ');
}

function missingGroup(spec: UserSpec, state: AccountState): string | undefined {
  for (const group of [...(spec.group === undefined ? [] : [spec.group]), ...(spec.groups ?? [])]) {
    if (!findGroup(state.groups, group)) return `Group ${group} does not exist`;
  }
  return undefined;
}

function useraddCommand(spec: UserSpec, state: AccountState): string {
  const argv = ['useradd'];
  if (spec.uid !== undefined) argv.push('-u', String(spec.uid), ...(spec.nonUnique ? ['-o'] : []));
  if (spec.group !== undefined) argv.push('-g', spec.group);
  // a group named as the user already exists: -N, or useradd (USERGROUPS_ENAB) fails trying to make it
  else if (findGroup(state.groups, spec.name)) argv.push('-N');
  if (spec.groups !== undefined && spec.groups.length > 0) argv.push('-G', spec.groups.join(','));
  if (spec.comment !== undefined) argv.push('-c', spec.comment);
  if (spec.home !== undefined) argv.push('-d', spec.home);
  if (spec.shell !== undefined) argv.push('-s', spec.shell);
  if (spec.password !== undefined) argv.push('-p', spec.passwordLock ? `!${spec.password}` : spec.password);
  if (spec.createHome) argv.push('-m', ...(spec.skeleton === undefined ? [] : ['-k', spec.skeleton]));
  else argv.push('-M');
  if (spec.system) argv.push('-r');
  argv.push(spec.name);
  return joinCommand(argv);
}

function usermodArguments(spec: UserSpec, state: AccountState): string[] {
  const user = state.user;
  if (!user) return [];
  const argv: string[] = [];
  if (spec.uid !== undefined && user.uid !== spec.uid) argv.push('-u', String(spec.uid), ...(spec.nonUnique ? ['-o'] : []));
  if (spec.group !== undefined) {
    const group = findGroup(state.groups, spec.group);
    if (group && group.gid !== user.gid) argv.push('-g', String(group.gid));
  }
  if (spec.groups !== undefined) {
    // Ansible compares with every group that lists the user as a member (the primary group included)
    const current = state.groups.filter((group) => group.members.includes(spec.name)).map((group) => group.name);
    const wanted = [...new Set(spec.groups)];
    const difference = [...current.filter((g) => !wanted.includes(g)), ...wanted.filter((g) => !current.includes(g))];
    let modify = false;
    if (wanted.length === 0) modify = current.length > 0 && !spec.append;
    else if (difference.length > 0) {
      if (!spec.append) modify = true;
      else if (wanted.some((g) => difference.includes(g))) {
        argv.push('-a');
        modify = true;
      }
    }
    if (modify) argv.push('-G', wanted.join(','));
  }
  if (spec.comment !== undefined && user.gecos !== spec.comment) argv.push('-c', spec.comment);
  if (spec.home !== undefined && user.home !== spec.home) argv.push('-d', spec.home, ...(spec.moveHome ? ['-m'] : []));
  if (spec.shell !== undefined && user.shell !== spec.shell) argv.push('-s', spec.shell);
  let lock: string[] = [];
  if (spec.passwordLock === true && !state.hash.startsWith('!')) lock = ['-L'];
  else if (spec.passwordLock === false && state.hash.startsWith('!')) lock = ['-U'];
  const unbanged = (hash: string): string => hash.replace(/^!+/, '');
  if (spec.updatePassword === 'always' && spec.password !== undefined && unbanged(state.hash) !== unbanged(spec.password)) {
    // -p cannot be combined with -L/-U: the lock goes into the hash instead
    lock = ['-p', spec.passwordLock ? `!${spec.password}` : spec.password];
  }
  return [...argv, ...lock];
}

export function userPlan(spec: UserSpec, state: AccountState): UserPlan {
  if (spec.state === 'absent') {
    if (!state.user) return {};
    return { command: joinCommand(['userdel', ...(spec.force ? ['-f'] : []), ...(spec.remove ? ['-r'] : []), spec.name]) };
  }
  const error = missingGroup(spec, state);
  if (error !== undefined) return { error };
  if (!state.user) return { command: useraddCommand(spec, state) };
  const plan: UserPlan = {};
  const argv = usermodArguments(spec, state);
  if (argv.length > 0) plan.command = joinCommand(['usermod', ...argv, spec.name]);
  if (spec.createHome && !state.homeExists && (spec.home === undefined || spec.home === state.user.home)) {
    plan.makeHome = makeHomeCommand(state.user.home, spec.skeleton ?? '/etc/skel', state.user.uid, state.user.gid);
  }
  return plan;
}

function groupsArgument(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  // Ansible joins the list with ',' and splits again, dropping empty names (so groups: '' means none)
  return items.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '').map((item) => accountName('user', item, 'groups'));
}

export function parseUserSpec(args: Record<string, unknown>): UserSpec {
  const name = accountName('user', optionalString('user', args, 'name') ?? optionalString('user', args, 'user') ?? '');
  const state = optionalString('user', args, 'state') ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgError('user', `'state' must be present or absent, got ${state}`);
  const updatePassword = optionalString('user', args, 'update_password') ?? 'always';
  if (updatePassword !== 'always' && updatePassword !== 'on_create') throw new ModuleArgError('user', `'update_password' must be always or on_create, got ${updatePassword}`);
  const spec: UserSpec = {
    name,
    state,
    nonUnique: optionalBool('user', args, 'non_unique', false),
    append: optionalBool('user', args, 'append', false),
    updatePassword,
    createHome: optionalBool('user', args, 'create_home', optionalBool('user', args, 'createhome', true)),
    moveHome: optionalBool('user', args, 'move_home', false),
    system: optionalBool('user', args, 'system', false),
    remove: optionalBool('user', args, 'remove', false),
    force: optionalBool('user', args, 'force', false),
  };
  const uid = optionalString('user', args, 'uid');
  if (uid !== undefined) {
    if (!/^\d+$/.test(uid)) throw new ModuleArgError('user', `'uid' must be a number, got ${JSON.stringify(uid)}`);
    spec.uid = Number(uid);
  }
  const group = optionalString('user', args, 'group');
  if (group !== undefined) spec.group = accountName('user', group, 'group');
  const groups = groupsArgument(args.groups);
  if (groups !== undefined) spec.groups = groups;
  for (const [key, field] of [['comment', 'comment'], ['home', 'home'], ['shell', 'shell'], ['password', 'password'], ['skeleton', 'skeleton']] as const) {
    const value = optionalString('user', args, key);
    if (value !== undefined) spec[field] = value;
  }
  if (spec.comment !== undefined && /[:\n]/.test(spec.comment)) throw new ModuleArgError('user', "'comment' may not contain ':' or a line break");
  if (args.password_lock !== undefined && args.password_lock !== null) spec.passwordLock = optionalBool('user', args, 'password_lock', false);
  return spec;
}

async function probe(ctx: ModuleContext, name: string): Promise<AccountState> {
  const probed = await exec(ctx, accountProbeCommand(name));
  if (probed.rc !== 0) throw new Error(`user: reading the account databases failed (rc ${probed.rc}): ${probed.stderr.trim()}`);
  return parseAccountProbe(probed.stdout);
}

/** Ansible's return values for an account that exists (uid, group as gid, comment, home, shell, groups as given). */
function presentData(spec: UserSpec, args: Record<string, unknown>, state: AccountState): Record<string, unknown> {
  const user = state.user;
  if (!user) return {};
  const data: Record<string, unknown> = { uid: user.uid, group: user.gid, comment: user.gecos, home: user.home, shell: user.shell };
  if (spec.groups !== undefined) data.groups = Array.isArray(args.groups) ? args.groups.map(String).join(',') : String(args.groups);
  return data;
}

export const userModule: ModuleDefinition = {
  name: 'user',
  argsSchema: {
    type: 'object',
    properties: {
      name: { type: 'string' }, user: { type: 'string' },
      state: { enum: ['present', 'absent'] },
      uid: { type: ['integer', 'string'] },
      non_unique: { type: ['boolean', 'string'] },
      group: { type: ['string', 'integer'] },
      groups: { type: ['array', 'string', 'null'], items: { type: ['string', 'integer'] } },
      append: { type: ['boolean', 'string'] },
      comment: { type: 'string' },
      home: { type: 'string' },
      shell: { type: 'string' },
      password: { type: 'string' },
      update_password: { enum: ['always', 'on_create'] },
      password_lock: { type: ['boolean', 'string'] },
      create_home: { type: ['boolean', 'string'] }, createhome: { type: ['boolean', 'string'] },
      move_home: { type: ['boolean', 'string'] },
      skeleton: { type: 'string' },
      system: { type: ['boolean', 'string'] },
      remove: { type: ['boolean', 'string'] },
      force: { type: ['boolean', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const spec = parseUserSpec(args);
      const warnings = spec.password !== undefined && looksUnhashed(spec.password)
        ? ["The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly."]
        : [];
      const withWarnings = (result: ModuleResult): ModuleResult => (warnings.length > 0 ? { ...result, warnings } : result);
      const before = await probe(ctx, spec.name);
      const plan = userPlan(spec, before);
      const data: Record<string, unknown> = { name: spec.name, state: spec.state };
      const creating = spec.state === 'present' && !before.user;
      // Ansible answers a check-mode create or delete with changed alone, before it looks at the groups
      if (ctx.check && (creating || (spec.state === 'absent' && plan.command !== undefined))) return withWarnings({ changed: true });
      if (plan.error !== undefined) return withWarnings({ changed: false, failed: true, msg: plan.error });
      let changed = false;
      const output: ModuleResult = { changed };
      if (plan.command !== undefined && !ctx.check) {
        const result = await exec(ctx, plan.command);
        if (result.stdout !== '') output.stdout = stripTrailingNewlines(result.stdout);
        if (result.stderr !== '') output.stderr = stripTrailingNewlines(result.stderr);
        if (result.rc !== 0) return withWarnings({ ...output, failed: true, rc: result.rc, msg: stripTrailingNewlines(result.stderr), data: { name: spec.name } });
      }
      changed = plan.command !== undefined;
      if (spec.state === 'absent') {
        if (changed) Object.assign(data, { force: spec.force, remove: spec.remove });
        return withWarnings({ ...output, changed, data });
      }
      if (creating) Object.assign(data, { system: spec.system, create_home: spec.createHome });
      else Object.assign(data, { append: spec.append, move_home: spec.moveHome });
      if (spec.password !== undefined) data.password = 'NOT_LOGGING_PASSWORD';
      const after = changed && !ctx.check ? await probe(ctx, spec.name) : before;
      if (plan.makeHome !== undefined) {
        if (!ctx.check) {
          const made = await exec(ctx, plan.makeHome);
          if (made.rc !== 0) return withWarnings({ changed: true, failed: true, rc: made.rc, msg: stripTrailingNewlines(made.stderr) });
        }
        changed = true;
      }
      return withWarnings({ ...output, changed, data: { ...data, ...presentData(spec, args, after) } });
    }),
};
