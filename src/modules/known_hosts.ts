// known_hosts: add, replace or remove one host's key in a known_hosts file, as Ansible's module does: the file is
// searched with the host's own `ssh-keygen -F` (so hashed entries and patterns match as OpenSSH matches them), the
// new text is computed here (lib/known-hosts.ts) and installed atomically; removing a host without a key is
// `ssh-keygen -R`, as in Ansible. Check mode reports and writes nothing.
import { remoteDirname } from '../util/remote-path.js';
import { joinCommand, sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString } from './lib/common.js';
import { deployFile } from './lib/deploy.js';
import { hashHostKey, knownHostsAfter, searchOutput, type HostKeySearch } from './lib/known-hosts.js';
import { parseProbe, probeCommand } from './lib/remote-state.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';

/** Ansible's sanity_check: the key, written to a private temporary file, must match the host. */
export function sanityCommand(host: string, key: string): string {
  return `t=$(mktemp) && ${sh`printf '%s' ${key}`} > "$t" && ${sh`ssh-keygen -F ${host} -f`} "$t"; rc=$?; rm -f -- "$t"; exit $rc`;
}

export function searchCommand(host: string, path: string): string {
  return joinCommand(['ssh-keygen', '-F', host, '-f', path]);
}

export function removeCommand(host: string, path: string): string {
  return joinCommand(['ssh-keygen', '-R', host, '-f', path]);
}

/** `~` and `~/...` are the (become) user's home, as Ansible's type=path expands them on the host. */
async function expandHome(ctx: ModuleContext, path: string): Promise<string> {
  if (path !== '~' && !path.startsWith('~/')) return path;
  const home = await exec(ctx, `printf '%s\\n' "$HOME"`);
  return `${home.stdout.replace(/\n$/, '')}${path.slice(1)}`;
}

export const knownHostsModule: ModuleDefinition = {
  name: 'known_hosts',
  argsSchema: {
    type: 'object',
    properties: {
      name: { type: 'string' }, host: { type: 'string' },
      key: { type: 'string' },
      path: { type: 'string' },
      hash_host: { type: ['boolean', 'string'] },
      state: { enum: ['present', 'absent'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const host = (optionalString('known_hosts', args, 'name') ?? optionalString('known_hosts', args, 'host') ?? '').toLowerCase();
      if (host === '') throw new ModuleArgError('known_hosts', "'name' is required");
      const state = optionalString('known_hosts', args, 'state') ?? 'present';
      if (state !== 'present' && state !== 'absent') throw new ModuleArgError('known_hosts', `'state' must be present or absent, got ${state}`);
      const hashHost = optionalBool('known_hosts', args, 'hash_host', false);
      const path = await expandHome(ctx, optionalString('known_hosts', args, 'path') ?? '~/.ssh/known_hosts');
      let key = optionalString('known_hosts', args, 'key');
      if (key === '') key = undefined;
      const data: Record<string, unknown> = { name: host, key: key ?? null, path, hash_host: hashHost, state };
      if (key === undefined && state !== 'absent') return { changed: false, failed: true, msg: 'No key specified when adding a host', data };
      if (key !== undefined && hashHost) key = hashHostKey(host, key);
      if (key !== undefined && !key.endsWith('\n')) key += '\n';
      if (key !== undefined) {
        if (/\S+(\s+)?,(\s+)?/.test(host)) {
          return { changed: false, failed: true, msg: 'Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.' };
        }
        const sane = await exec(ctx, sanityCommand(host, key));
        if (sane.stdout === '') return { changed: false, failed: true, msg: 'Host parameter does not match hashed host field in supplied key' };
      }

      const probed = await exec(ctx, probeCommand([path], { content: true, follow: true }));
      const [current] = parseProbe([path], probed.stdout);
      if (!current) throw new Error(`known_hosts: probe returned nothing for ${path}`);
      let search: HostKeySearch = { found: false, replaceOrAdd: false };
      if (current.type !== 'absent') {
        const searched = await exec(ctx, searchCommand(host, path));
        if (!(searched.stdout === '' && searched.stderr === '' && (searched.rc === 0 || searched.rc === 1))) {
          if (searched.rc !== 0) return { changed: false, failed: true, msg: `ssh-keygen failed (rc=${searched.rc}, stdout='${searched.stdout}',stderr='${searched.stderr}')` };
          search = searchOutput(searched.stdout, key);
        }
      }
      const before = current.type === 'file' ? current.content ?? '' : '';
      const after = knownHostsAfter(before, search, state, key);
      const withDiff = (result: ModuleResult): ModuleResult => (ctx.diff ? { ...result, diff: [{ path, before, after }] } : result);
      if (state === 'absent' && search.foundLine === undefined && key !== undefined) return withDiff({ changed: false, data });
      const changes = search.replaceOrAdd || (state === 'present') !== search.found;
      if (ctx.check) return withDiff({ changed: changes, data });
      if (search.found && key === undefined && state === 'absent') {
        const removed = await exec(ctx, removeCommand(host, path));
        if (removed.rc !== 0) return { changed: false, failed: true, rc: removed.rc, msg: removed.stderr.trim(), data };
        return withDiff({ changed: true, data });
      }
      if (!changes) return withDiff({ changed: false, data });
      const parent = await exec(ctx, sh`[ -d ${remoteDirname(path)} ]`);
      if (parent.rc !== 0) return { changed: false, failed: true, msg: `Failed to write to file ${path}: [Errno 2] No such file or directory: '${remoteDirname(path)}'`, data };
      await deployFile(ctx, {
        module: 'known_hosts',
        dest: path,
        source: { content: Buffer.from(after, 'utf8') },
        attributes: {},
        backup: false,
        force: true,
        current: { ...current, checksum: '' },
      });
      return withDiff({ changed: true, data });
    }),
};
