// fetch: copy a file from the host to the controller, at dest/<host>/<src path> (or exactly dest with flat: true),
// skipped when the controller copy already has the host's sha256, verified against that sha256 after the transfer.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { exec, failOnArgError, optionalBool, requireString, tempToken } from './lib/common.js';
import { remoteBasename } from '../util/remote-path.js';
import { parseProbe, probeCommand } from './lib/remote-state.js';
import type { ModuleDefinition } from './lib/types.js';

/** Where Ansible puts a fetched file on the controller. */
export function fetchDestination(host: string, src: string, dest: string, flat: boolean): string {
  if (flat) return dest.endsWith('/') ? join(dest, remoteBasename(src)) : dest;
  return join(dest, host, src);
}

async function localSha256(path: string): Promise<string | undefined> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}

export const fetchModule: ModuleDefinition = {
  name: 'fetch',
  argsSchema: {
    type: 'object',
    properties: {
      src: { type: 'string' },
      dest: { type: 'string' },
      flat: { type: ['boolean', 'string'] },
      fail_on_missing: { type: ['boolean', 'string'] },
      validate_checksum: { type: ['boolean', 'string'] },
    },
    required: ['src', 'dest'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const src = requireString('fetch', args, 'src');
      const dest = fetchDestination(ctx.host, src, requireString('fetch', args, 'dest'), optionalBool('fetch', args, 'flat', false));
      const probed = await exec(ctx, probeCommand([src], { checksum: 'sha256', follow: true }));
      if (probed.rc !== 0) return { changed: false, failed: true, msg: `fetch: reading ${src} failed (rc ${probed.rc}): ${probed.stderr.trim()}` };
      const [remote] = parseProbe([src], probed.stdout);
      if (!remote || remote.type === 'absent') {
        const failed = optionalBool('fetch', args, 'fail_on_missing', true);
        return { changed: false, failed, msg: `the remote file does not exist: ${src}`, data: { file: src } };
      }
      if (remote.type === 'directory') return { changed: false, failed: true, msg: `fetch: ${src} is a directory; fetch copies files only` };
      if (remote.checksum === undefined) return { changed: false, failed: true, msg: `fetch: ${src} is not readable on ${ctx.host}` };
      const data = { file: src, dest, remote_checksum: remote.checksum, checksum: remote.checksum };
      if ((await localSha256(dest)) === remote.checksum) return { changed: false, msg: 'up to date', data };
      if (ctx.check) return { changed: true, msg: `would fetch ${src} to ${dest}`, data };
      await mkdir(dirname(dest), { recursive: true });
      const part = `${dest}.airlock-${tempToken()}.part`;
      try {
        await ctx.conn.getFile(src, part);
        const received = await localSha256(part);
        if (optionalBool('fetch', args, 'validate_checksum', true) && received !== remote.checksum) {
          return { changed: false, failed: true, msg: `fetch: checksum mismatch for ${src}: host ${remote.checksum}, received ${received ?? 'nothing'}` };
        }
        await rename(part, dest);
      } finally {
        await rm(part, { force: true });
      }
      return { changed: true, msg: `fetched ${src} to ${dest}`, data };
    }),
};
