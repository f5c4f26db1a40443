// authorized_key (ansible.posix): make sure SSH keys are (or are not) in a user's authorized_keys, as Ansible's
// module does: the file is ~user/.ssh/authorized_keys unless `path` says otherwise, the edit is Ansible's
// (lib/authorized-keys.ts), and a write makes ~/.ssh 0700 (manage_dir) and the file 0600, both owned by the user.
// Execs: getent for the user, the probe of the file, then (only when something changes) the directory and the install.
import { sh } from '../util/shell.js';
import { remoteDirname, remoteJoin } from '../util/remote-path.js';
import { accountName, getentEntry, parsePasswdLine, type PasswdEntry } from './lib/accounts.js';
import { editKeyFile, type KeyRequest } from './lib/authorized-keys.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString, requireString } from './lib/common.js';
import { deployFile } from './lib/deploy.js';
import { parseProbe, probeCommand } from './lib/remote-state.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';

/** What a write does before the install: Ansible's keyfile(write=True) for the directory. */
export function keyDirectoryCommand(keyfile: string, user: PasswdEntry, manageDir: boolean, sshDir: string): string {
  const owner = `${user.uid}:${user.gid}`;
  const steps = [sh`mkdir -p -- ${remoteDirname(keyfile)}`];
  if (manageDir) steps.unshift(sh`{ [ -d ${sshDir} ] || mkdir -m 0700 -- ${sshDir}; }`, sh`chown ${owner} -- ${sshDir}`, sh`chmod 0700 -- ${sshDir}`);
  return steps.join(' && ');
}

async function lookupUser(ctx: ModuleContext, name: string): Promise<PasswdEntry | undefined> {
  const line = await getentEntry(ctx, 'authorized_key', 'passwd', name);
  return line === undefined ? undefined : parsePasswdLine(line);
}

export const authorizedKeyModule: ModuleDefinition = {
  name: 'authorized_key',
  argsSchema: {
    type: 'object',
    properties: {
      user: { type: 'string' },
      key: { type: 'string' },
      path: { type: 'string' },
      manage_dir: { type: ['boolean', 'string'] },
      state: { enum: ['present', 'absent'] },
      key_options: { type: 'string' },
      exclusive: { type: ['boolean', 'string'] },
      comment: { type: 'string' },
      validate_certs: { type: ['boolean', 'string'] },
      follow: { type: ['boolean', 'string'] },
    },
    required: ['user', 'key'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const name = accountName('authorized_key', requireString('authorized_key', args, 'user'), 'user');
      const key = requireString('authorized_key', args, 'key');
      if (/^http/.test(key)) throw new ModuleArgError('authorized_key', "a key fetched from a URL is not supported by airlock (the enclave has no route out): give the key's text");
      const state = optionalString('authorized_key', args, 'state') ?? 'present';
      if (state !== 'present' && state !== 'absent') throw new ModuleArgError('authorized_key', `'state' must be present or absent, got ${state}`);
      const path = optionalString('authorized_key', args, 'path');
      const manageDir = optionalBool('authorized_key', args, 'manage_dir', true);
      const follow = optionalBool('authorized_key', args, 'follow', false);
      const request: KeyRequest = { keys: key, state, exclusive: optionalBool('authorized_key', args, 'exclusive', false) };
      const keyOptions = optionalString('authorized_key', args, 'key_options');
      const comment = optionalString('authorized_key', args, 'comment');
      if (keyOptions !== undefined) request.keyOptions = keyOptions;
      if (comment !== undefined) request.comment = comment;
      const data: Record<string, unknown> = {
        user: name, key, path: path ?? null, manage_dir: manageDir, state, key_options: keyOptions ?? null,
        exclusive: request.exclusive, comment: comment ?? null, validate_certs: optionalBool('authorized_key', args, 'validate_certs', true), follow,
      };

      // In check mode with a path Ansible never looks the user up; otherwise the user must exist.
      const user = ctx.check && path !== undefined ? undefined : await lookupUser(ctx, name);
      if (!user && !(ctx.check && path !== undefined)) {
        if (ctx.check) return { changed: false, failed: true, msg: 'Either user must exist or you must provide full path to key file in check mode' };
        return { changed: false, failed: true, msg: `Failed to lookup user ${name}: "getpwnam(): name not found: '${name}'"` };
      }
      const sshDir = path === undefined ? remoteJoin(user?.home ?? '', '.ssh') : remoteDirname(path);
      const keyfile = path ?? remoteJoin(sshDir, 'authorized_keys');
      data.keyfile = keyfile;

      const probed = await exec(ctx, probeCommand([keyfile], { checksum: 'sha256', content: true, follow: true }));
      if (probed.rc !== 0) return { changed: false, failed: true, msg: `authorized_key: reading ${keyfile} failed (rc ${probed.rc}): ${probed.stderr.trim()}` };
      const [current] = parseProbe([keyfile], probed.stdout);
      if (!current) throw new Error(`authorized_key: probe returned nothing for ${keyfile}`);
      const existing = current.type === 'file' ? current.content ?? '' : '';
      const edit = editKeyFile(existing, request);
      if ('error' in edit) return { changed: false, failed: true, msg: edit.error, data };
      if (!edit.changed) return { changed: false, data };
      const result: ModuleResult = { changed: true, data };
      if (ctx.diff) result.diff = [{ path: keyfile, before: existing, after: edit.content }];
      if (ctx.check || !user) return result;

      let target = keyfile;
      if (follow) {
        const resolved = await exec(ctx, sh`readlink -f -- ${keyfile}`);
        if (resolved.rc === 0 && resolved.stdout.trim() !== '') target = resolved.stdout.trim();
      }
      const prepared = await exec(ctx, keyDirectoryCommand(target, user, manageDir, sshDir));
      if (prepared.rc !== 0) return { changed: false, failed: true, msg: `Failed to create directory ${sshDir} : ${prepared.stderr.trim()}`, data };
      await deployFile(ctx, {
        module: 'authorized_key',
        dest: target,
        source: { content: Buffer.from(edit.content, 'utf8') },
        attributes: { owner: String(user.uid), group: String(user.gid), mode: '0600' },
        backup: false,
        force: true,
        // the probe followed links, so it describes `target` either way
        current,
      });
      return result;
    }),
};
