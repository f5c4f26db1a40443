// lxd_file: files into, out of and between containers.
// - push: `content` (written through stdin, so a secret such as database.php never lands on the host's disk) or a host
//   file `src`, to `dest` in `container`, with mode/uid/gid; skipped when sha256, mode and owner already match.
// - pull: `src` in `container` to host `dest`; skipped when the sha256 matches.
// - copy: `src` in `from_container` to the same path (or `dest`, same base name) in `container`, files or whole
//   directories, through a tar stream between the two containers: ownership and modes survive, unlike a pull+push
//   through the host (which is why upstream's UPDATE.sh needs chown/chmod afterwards).
import { createHash } from 'node:crypto';
import { pipeline, sh } from '../util/shell.js';
import { exec, ModuleArgError, optionalString } from './lib/common.js';
import { remoteBasename, remoteDirname } from '../util/remote-path.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';
import { lxc, lxcRun, lxdName, projectArg } from './lib/lxc.js';
import { lxdExecCommand } from './lxd_exec.js';
import { lxdModuleResult } from './lib/lxd-result.js';

interface Owner {
  mode: string | undefined;
  uid: number | undefined;
  gid: number | undefined;
}

/** One command printing "<sha256> <mode> <uid> <gid>" of a file inside a container, or nothing when it is absent. */
export function containerFileStateCommand(container: string, project: string | undefined, path: string): string {
  return lxdExecCommand({
    container, project, env: {}, cwd: undefined, user: undefined,
    argv: ['sh', '-c', 'test -f "$1" || exit 0; printf "%s %s\\n" "$(sha256sum < "$1" | cut -d" " -f1)" "$(stat -c "%a %u %g" "$1")"', 'sh', path],
  });
}

/** Write stdin to `dest` atomically inside the container, created private (umask 077) before mode/owner are applied. */
export function containerWriteCommand(container: string, project: string | undefined, dest: string, owner: Owner): string {
  const steps = ['umask 077', 'cat > "$1.airlock-tmp"'];
  if (owner.mode) steps.push('chmod "$2" "$1.airlock-tmp"');
  if (owner.uid !== undefined || owner.gid !== undefined) steps.push('chown "$3:$4" "$1.airlock-tmp"');
  steps.push('mv -f "$1.airlock-tmp" "$1"');
  return lxdExecCommand({
    container, project, env: {}, cwd: undefined, user: undefined,
    argv: ['sh', '-c', steps.join(' && '), 'sh', dest, owner.mode ?? '', String(owner.uid ?? 0), String(owner.gid ?? 0)],
  });
}

/** tar stream from one container into another; both paths share the base name. */
export function containerCopyCommand(from: string, to: string, project: string | undefined, src: string, dest: string): string {
  const tarOut = lxdExecCommand({ container: from, project, env: {}, cwd: undefined, user: undefined, argv: ['tar', '-C', remoteDirname(src), '-cf', '-', remoteBasename(src)] });
  const tarIn = lxdExecCommand({ container: to, project, env: {}, cwd: undefined, user: undefined, argv: ['sh', '-c', 'mkdir -p "$1" && tar -C "$1" -xpf -', 'sh', remoteDirname(dest)] });
  return pipeline(tarOut, tarIn);
}

function matches(state: string, sha: string, owner: Owner): boolean {
  const [haveSha, mode, uid, gid] = state.trim().split(' ');
  if (haveSha !== sha) return false;
  if (owner.mode && Number.parseInt(owner.mode, 8) !== Number.parseInt(mode ?? '', 8)) return false;
  if (owner.uid !== undefined && String(owner.uid) !== uid) return false;
  if (owner.gid !== undefined && String(owner.gid) !== gid) return false;
  return true;
}

async function push(ctx: ModuleContext, container: string, project: string | undefined, args: Record<string, unknown>): Promise<ModuleResult> {
  const module = 'lxd_file';
  const dest = requirePath(args, 'dest');
  const owner: Owner = {
    mode: optionalString(module, args, 'mode'),
    uid: args['uid'] === undefined ? undefined : Number(args['uid']),
    gid: args['gid'] === undefined ? undefined : Number(args['gid']),
  };
  if (owner.mode && !/^[0-7]{3,4}$/.test(owner.mode)) throw new ModuleArgError(module, `'mode' must be octal like '0640', got ${owner.mode}`);
  const content = optionalString(module, args, 'content');
  const src = optionalString(module, args, 'src');
  if ((content === undefined) === (src === undefined)) throw new ModuleArgError(module, "push needs exactly one of 'content' and 'src'");
  let sha: string;
  if (content !== undefined) {
    sha = createHash('sha256').update(content).digest('hex');
  } else {
    const hashed = await exec(ctx, sh`sha256sum < ${src ?? ''}`);
    if (hashed.rc !== 0) throw new ModuleArgError(module, `cannot read '${src}' on the host: ${hashed.stderr.trim()}`);
    sha = hashed.stdout.split(' ')[0] ?? '';
  }
  const state = await lxcRun(ctx, containerFileStateCommand(container, project, dest));
  if (matches(state, sha, owner)) return { changed: false, data: { dest, sha256: sha } };
  if (ctx.check) return { changed: true, data: { dest, sha256: sha } };
  if (content !== undefined) {
    await lxcRun(ctx, containerWriteCommand(container, project, dest, owner), content);
  } else {
    await lxcRun(ctx, lxc(['file', 'push', src ?? '', `${container}${dest}`, ...(owner.mode ? ['--mode', owner.mode] : []),
      ...(owner.uid === undefined ? [] : ['--uid', owner.uid]), ...(owner.gid === undefined ? [] : ['--gid', owner.gid])], project));
  }
  return { changed: true, data: { dest, sha256: sha } };
}

async function pull(ctx: ModuleContext, container: string, project: string | undefined, args: Record<string, unknown>): Promise<ModuleResult> {
  const src = requirePath(args, 'src');
  const dest = requirePath(args, 'dest');
  const state = (await lxcRun(ctx, containerFileStateCommand(container, project, src))).trim();
  if (!state) throw new ModuleArgError('lxd_file', `'${src}' does not exist in ${container}`);
  const local = await exec(ctx, sh`test -f ${dest} && sha256sum < ${dest}`);
  if (local.rc === 0 && local.stdout.split(' ')[0] === state.split(' ')[0]) return { changed: false, data: { dest } };
  if (!ctx.check) await lxcRun(ctx, lxc(['file', 'pull', `${container}${src}`, dest], project));
  return { changed: true, data: { dest } };
}

async function copy(ctx: ModuleContext, container: string, project: string | undefined, args: Record<string, unknown>): Promise<ModuleResult> {
  const from = lxdName('lxd_file', 'from_container', args['from_container']);
  const src = requirePath(args, 'src');
  const dest = optionalString('lxd_file', args, 'dest') ?? src;
  if (remoteBasename(src) !== remoteBasename(dest)) throw new ModuleArgError('lxd_file', `copy keeps the base name: '${src}' cannot become '${dest}'`);
  const present = await exec(ctx, lxdExecCommand({ container: from, project, env: {}, cwd: undefined, user: undefined, argv: ['test', '-e', src] }));
  if (present.rc !== 0) {
    if (args['missing_ok'] === true) return { changed: false, msg: `'${src}' does not exist in ${from}: nothing to copy` };
    throw new ModuleArgError('lxd_file', `'${src}' does not exist in ${from}`);
  }
  if (!ctx.check) await lxcRun(ctx, containerCopyCommand(from, container, project, src, dest));
  return { changed: true, data: { src, dest, from_container: from } };
}

function requirePath(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string' || !value.startsWith('/')) throw new ModuleArgError('lxd_file', `'${name}' must be an absolute path, got ${JSON.stringify(value)}`);
  return value;
}

export const lxdFileModule: ModuleDefinition = {
  name: 'lxd_file',
  argsSchema: {
    type: 'object',
    required: ['container', 'action'],
    properties: {
      container: { type: 'string' },
      project: { type: 'string' },
      action: { enum: ['push', 'pull', 'copy'] },
      src: { type: 'string' },
      dest: { type: 'string' },
      content: { type: 'string' },
      mode: { type: 'string' },
      uid: { type: ['number', 'string'] },
      gid: { type: ['number', 'string'] },
      from_container: { type: 'string' },
      missing_ok: { type: 'boolean' },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    lxdModuleResult(async () => {
      const container = lxdName('lxd_file', 'container', args['container']);
      const project = projectArg('lxd_file', args);
      switch (args['action']) {
        case 'push': return push(ctx, container, project, args);
        case 'pull': return pull(ctx, container, project, args);
        case 'copy': return copy(ctx, container, project, args);
        default: throw new ModuleArgError('lxd_file', `'action' must be push, pull or copy, got ${JSON.stringify(args['action'])}`);
      }
    }),
};
