// stat: facts about one path on the host in one exec, shaped like Ansible's `stat` return (register: st ->
// st.stat.exists, st.stat.isdir, st.stat.mode == '0644', st.stat.checksum, ...). Checksum defaults to sha1 as Ansible.
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString, requireString } from './lib/common.js';
import { parseProbe, probeCommand, type ChecksumAlgorithm, type RemoteState } from './lib/remote-state.js';
import type { ModuleDefinition } from './lib/types.js';

const ALGORITHMS: ChecksumAlgorithm[] = ['sha1', 'sha256', 'sha512', 'md5'];

/** Ansible's stat dictionary from a probed state. */
export function ansibleStat(state: RemoteState): Record<string, unknown> {
  if (state.type === 'absent') return { exists: false };
  const mode = parseInt(state.mode, 8);
  const stat: Record<string, unknown> = {
    exists: true,
    path: state.path,
    isdir: state.type === 'directory',
    isreg: state.type === 'file',
    islnk: state.type === 'link',
    isfifo: state.fileType === 'fifo',
    issock: state.fileType === 'socket',
    ischr: state.fileType === 'character special file',
    isblk: state.fileType === 'block special file',
    mode: state.mode,
    uid: state.uid,
    gid: state.gid,
    pw_name: state.owner,
    gr_name: state.group,
    size: state.size,
    mtime: state.mtime,
    atime: state.atime,
    ctime: state.ctime,
    inode: state.inode,
    nlink: state.nlink,
    isuid: (mode & 0o4000) !== 0,
    isgid: (mode & 0o2000) !== 0,
    rusr: (mode & 0o400) !== 0,
    wusr: (mode & 0o200) !== 0,
    xusr: (mode & 0o100) !== 0,
    rgrp: (mode & 0o40) !== 0,
    wgrp: (mode & 0o20) !== 0,
    xgrp: (mode & 0o10) !== 0,
    roth: (mode & 0o4) !== 0,
    woth: (mode & 0o2) !== 0,
    xoth: (mode & 0o1) !== 0,
  };
  if (state.readable !== undefined) Object.assign(stat, { readable: state.readable, writeable: state.writeable, executable: state.executable });
  if (state.linkTarget !== undefined) stat['lnk_target'] = state.linkTarget;
  if (state.checksum !== undefined) stat['checksum'] = state.checksum;
  return stat;
}

export const statModule: ModuleDefinition = {
  name: 'stat',
  argsSchema: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      follow: { type: ['boolean', 'string'] },
      get_checksum: { type: ['boolean', 'string'] },
      checksum_algorithm: { enum: ALGORITHMS },
      get_attributes: { type: ['boolean', 'string'] },
      get_mime: { type: ['boolean', 'string'] },
    },
    required: ['path'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const path = requireString('stat', args, 'path');
      const algorithm = (optionalString('stat', args, 'checksum_algorithm') ?? 'sha1') as ChecksumAlgorithm;
      if (!ALGORITHMS.includes(algorithm)) throw new ModuleArgError('stat', `'checksum_algorithm' must be one of ${ALGORITHMS.join(', ')}`);
      const options = { follow: optionalBool('stat', args, 'follow', false), access: true, ...(optionalBool('stat', args, 'get_checksum', true) ? { checksum: algorithm } : {}) };
      const result = await exec(ctx, probeCommand([path], options));
      if (result.rc !== 0) return { changed: false, failed: true, msg: `stat: reading ${path} failed (rc ${result.rc}): ${result.stderr.trim()}` };
      const [state] = parseProbe([path], result.stdout);
      if (!state) throw new Error(`stat: probe returned nothing for ${path}`);
      return { changed: false, data: { stat: ansibleStat(state) } };
    }),
};
