// Reading the state of paths on a host in ONE exec: type, mode, owner, size, times, link target, checksum and, when
// asked, the content. copy, template, file, stat, lineinfile and fetch all start from this probe, so that a task costs
// one round trip to decide and at most one more to change. Relies on GNU coreutils (stat --printf, sha*sum).
import { quote, sh } from '../../util/shell.js';
import type { RemotePathInfo } from '../../connection/types.js';

export type ChecksumAlgorithm = 'sha1' | 'sha256' | 'sha512' | 'md5';

export interface ProbeOptions {
  /** checksum regular files with this algorithm */
  checksum?: ChecksumAlgorithm;
  /** print the file content after the metadata (lineinfile, --diff); only for regular files */
  content?: boolean;
  /** stat the link target instead of the link (stat's follow: true) */
  follow?: boolean;
  /** report readable/writeable/executable for the connecting (or become) user */
  access?: boolean;
}

export type RemoteType = 'absent' | 'file' | 'directory' | 'link' | 'other';

export interface RemoteState {
  path: string;
  type: RemoteType;
  /** four octal digits, e.g. '0644' (Ansible's stat.mode) */
  mode: string;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  /** seconds since the epoch */
  mtime: number;
  atime: number;
  ctime: number;
  inode: number;
  nlink: number;
  /** raw %F of stat(1), e.g. 'regular empty file', 'fifo' */
  fileType: string;
  linkTarget?: string;
  checksum?: string;
  content?: string;
  readable?: boolean;
  writeable?: boolean;
  executable?: boolean;
}

export const CONTENT_MARKER = '__AIRLOCK_CONTENT__';
const STAT_FORMAT = 'S\\t%F\\t%a\\t%u\\t%g\\t%U\\t%G\\t%s\\t%Y\\t%X\\t%Z\\t%i\\t%h\\n';

/** The shell text that prints the state of one path (`P<TAB>index` header, then S/L/C/A lines). */
export function probeOnePath(path: string, index: number, options: ProbeOptions = {}): string {
  // Only `path` is a value; the stat flags, format and tool names are fixed text written here.
  const statCommand = `stat ${options.follow ? '-L ' : ''}--printf '${STAT_FORMAT}' -- ${quote(path)}`;
  const parts = [
    `printf 'P\\t${index}\\n'`,
    sh`if [ -e ${path} ] || [ -L ${path} ]; then ` + statCommand,
    sh`if [ -L ${path} ]; then printf 'L\\t%s\\n' "$(readlink -- ${path})"; fi`,
  ];
  if (options.checksum) {
    const tool = `${options.checksum}sum`;
    parts.push(sh`if [ -f ${path} ] && [ -r ${path} ]; then printf 'C\\t%s\\n' "$(` + `${tool} < ${quote(path)})"; fi`);
  }
  if (options.access) {
    parts.push(sh`printf 'A\\t%s%s%s\\n' "$([ -r ${path} ] && echo r)" "$([ -w ${path} ] && echo w)" "$([ -x ${path} ] && echo x)"`);
  }
  parts.push(`else printf 'S\\tabsent\\n'; fi`);
  return parts.join('; ');
}

/** One command probing several paths (copy of a directory tree); the content option applies to single paths only. */
export function probeCommand(paths: readonly string[], options: ProbeOptions = {}): string {
  const probes = paths.map((path, index) => probeOnePath(path, index, options));
  if (options.content && paths.length === 1) {
    const path = paths[0] as string;
    probes.push(sh`if [ -f ${path} ]; then printf '%s\\n' ${CONTENT_MARKER}; cat -- ${path}; fi`);
  }
  return probes.join('; ');
}

function typeFromStat(fileType: string): RemoteType {
  if (fileType === 'regular file' || fileType === 'regular empty file') return 'file';
  if (fileType === 'directory') return 'directory';
  if (fileType === 'symbolic link') return 'link';
  return 'other';
}

function absentState(path: string): RemoteState {
  return { path, type: 'absent', mode: '', uid: -1, gid: -1, owner: '', group: '', size: 0, mtime: 0, atime: 0, ctime: 0, inode: 0, nlink: 0, fileType: '' };
}

const FILE_TYPE_NAMES = { file: 'regular file', directory: 'directory', link: 'symbolic link', other: 'other' } as const;

/**
 * The state of a path from an lstat over the connection's file channel (deploy-direct.ts) instead of the probe exec.
 * That channel has no user database: owner and group names stay empty (callers that need them use the probe).
 */
export function stateFromPathInfo(path: string, info: RemotePathInfo | undefined, checksum?: string): RemoteState {
  if (info === undefined) return absentState(path);
  const fileType = info.type === 'file' && info.size === 0 ? 'regular empty file' : FILE_TYPE_NAMES[info.type];
  const state: RemoteState = {
    path,
    type: info.type,
    fileType,
    mode: info.mode.toString(8).padStart(4, '0'),
    uid: info.uid,
    gid: info.gid,
    owner: '',
    group: '',
    size: info.size,
    mtime: Math.floor(info.mtimeMs / 1000),
    atime: Math.floor(info.atimeMs / 1000),
    ctime: 0,
    inode: 0,
    nlink: 0,
  };
  if (checksum !== undefined) state.checksum = checksum;
  return state;
}

/** Parse probeCommand's stdout into one RemoteState per path, in the order given. */
export function parseProbe(paths: readonly string[], stdout: string): RemoteState[] {
  let metadata = stdout;
  let content: string | undefined;
  const markerAt = stdout.indexOf(`${CONTENT_MARKER}\n`);
  if (markerAt >= 0) {
    metadata = stdout.slice(0, markerAt);
    content = stdout.slice(markerAt + CONTENT_MARKER.length + 1);
  }
  const states = paths.map((path) => absentState(path));
  let current: RemoteState | undefined;
  for (const line of metadata.split('\n')) {
    const fields = line.split('\t');
    const tag = fields[0];
    if (tag === 'P') {
      current = states[Number(fields[1])];
    } else if (current && tag === 'S' && fields[1] !== 'absent' && fields.length >= 13) {
      const [, fileType = '', mode = '', uid, gid, owner = '', group = '', size, mtime, atime, ctime, inode, nlink] = fields;
      Object.assign(current, {
        type: typeFromStat(fileType),
        fileType,
        mode: mode.padStart(4, '0'),
        uid: Number(uid),
        gid: Number(gid),
        owner,
        group,
        size: Number(size),
        mtime: Number(mtime),
        atime: Number(atime),
        ctime: Number(ctime),
        inode: Number(inode),
        nlink: Number(nlink),
      });
    } else if (current && tag === 'L') {
      current.linkTarget = fields.slice(1).join('\t');
    } else if (current && tag === 'C') {
      current.checksum = (fields[1] ?? '').split(' ')[0];
    } else if (current && tag === 'A') {
      const flags = fields[1] ?? '';
      current.readable = flags.includes('r');
      current.writeable = flags.includes('w');
      current.executable = flags.includes('x');
    }
  }
  if (content !== undefined && states[0]) states[0].content = content;
  return states;
}
