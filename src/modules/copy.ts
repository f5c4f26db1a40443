// copy: put `content:` or a controller file/directory (`src:`) on the host. Skips a file whose sha256 on the host
// already matches; a directory `src` is copied recursively (`dir/` copies its contents, `dir` the directory itself).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString, requireString } from './lib/common.js';
import { remoteJoin } from '../util/remote-path.js';
import { deployFile, deployResult, sha256Hex, type DeployOutcome } from './lib/deploy.js';
import { deploysDirectly, directState } from './lib/deploy-direct.js';
import { parseProbe, probeCommand, type RemoteState } from './lib/remote-state.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';
import type { FileAttributes } from './lib/attributes.js';
import { readIfVaulted } from '../vault/session.js';

export const fileAttributeSchema = {
  owner: { type: 'string' },
  group: { type: 'string' },
  mode: { type: ['string', 'integer'] },
} as const;

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function attributesFrom(module: string, args: Record<string, unknown>): FileAttributes {
  const attributes: FileAttributes = {};
  const mode = args['mode'];
  if (typeof mode === 'number' || typeof mode === 'string') attributes.mode = mode;
  const owner = optionalString(module, args, 'owner');
  const group = optionalString(module, args, 'group');
  if (owner !== undefined) attributes.owner = owner;
  if (group !== undefined) attributes.group = group;
  return attributes;
}

async function probe(ctx: ModuleContext, paths: string[], withContent: boolean): Promise<RemoteState[]> {
  const result = await exec(ctx, probeCommand(paths, { checksum: 'sha256', content: withContent }));
  if (result.rc !== 0) throw new Error(`reading the state of ${paths.join(', ')} failed (rc ${result.rc}): ${result.stderr.trim()}`);
  return parseProbe(paths, result.stdout);
}

/** The destination's state: without a command when the deploy qualifies (deploy-direct.ts), else by the probe exec. */
async function destinationState(module: string, ctx: ModuleContext, path: string, content: Buffer | undefined): Promise<{ current: RemoteState; direct: boolean }> {
  if (content !== undefined) {
    const state = await directState(ctx, path, content);
    if (state) return { current: state, direct: true };
  }
  const [current] = await probe(ctx, [path], ctx.diff);
  if (!current) throw new Error(`${module}: probe returned nothing for ${path}`);
  return { current, direct: false };
}

/** Shared by copy (content) and template: deploy in-memory content to dest, refusing a directory dest. */
export async function copyContent(module: string, ctx: ModuleContext, content: Buffer, dest: string, args: Record<string, unknown>): Promise<ModuleResult> {
  const attributes = attributesFrom(module, args);
  const backup = optionalBool(module, args, 'backup', false);
  const qualifies = deploysDirectly(ctx, { attributes, backup, size: content.length });
  const { current, direct } = await destinationState(module, ctx, dest, qualifies ? content : undefined);
  if (current.type === 'directory') throw new ModuleArgError(module, `'dest' ${dest} is a directory; give a file path`);
  const outcome = await deployFile(ctx, {
    module,
    dest,
    source: { content },
    attributes,
    backup,
    force: optionalBool(module, args, 'force', true),
    current,
    direct,
  });
  return deployResult(dest, sha256Hex(content), outcome, ctx);
}

interface TreeEntry {
  localPath: string;
  remotePath: string;
  directory: boolean;
}

/** Every directory and file under a local directory, parents before children. */
export async function walkTree(localDir: string, remoteDir: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [{ localPath: localDir, remotePath: remoteDir, directory: true }];
  const names = (await readdir(localDir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of names) {
    const localPath = join(localDir, entry.name);
    const remotePath = remoteJoin(remoteDir, entry.name);
    if (entry.isDirectory()) entries.push(...(await walkTree(localPath, remotePath)));
    else if (entry.isFile()) entries.push({ localPath, remotePath, directory: false });
  }
  return entries;
}

async function copyTree(ctx: ModuleContext, localDir: string, src: string, dest: string, args: Record<string, unknown>): Promise<ModuleResult> {
  const base = src.endsWith('/') ? dest : remoteJoin(dest, basename(localDir));
  const entries = await walkTree(localDir, base);
  const states = await probe(ctx, entries.map((entry) => entry.remotePath), false);
  const missingDirs = entries.filter((entry, i) => entry.directory && states[i]?.type === 'absent').map((entry) => entry.remotePath);
  if (missingDirs.length > 0 && !ctx.check) {
    const result = await exec(ctx, sh`mkdir -p -- ${missingDirs}`);
    if (result.rc !== 0) throw new Error(`copy: creating ${missingDirs.join(', ')} failed: ${result.stderr.trim()}`);
  }
  const changedFiles: string[] = [];
  const attributes = attributesFrom('copy', args);
  for (const [i, entry] of entries.entries()) {
    const current = states[i];
    if (entry.directory || !current) continue;
    const size = (await stat(entry.localPath)).size;
    const outcome: DeployOutcome = await deployFile(ctx, {
      module: 'copy',
      dest: entry.remotePath,
      source: { localPath: entry.localPath, sha256: await sha256File(entry.localPath), size },
      attributes,
      backup: optionalBool('copy', args, 'backup', false),
      force: optionalBool('copy', args, 'force', true),
      current,
    });
    if (outcome.changed) changedFiles.push(entry.remotePath);
  }
  const changed = changedFiles.length > 0 || missingDirs.length > 0;
  return {
    changed,
    msg: changed ? `${ctx.check ? 'would change' : 'changed'} ${changedFiles.length} file(s), created ${missingDirs.length} dir(s)` : 'up to date',
    data: { dest: base, changed_files: changedFiles, created_dirs: missingDirs },
  };
}

/** A small file that qualifies goes without a command on the host, as `content:` does (deploy-direct.ts). */
async function copyLocalFileDirectly(ctx: ModuleContext, localPath: string, dest: string, args: Record<string, unknown>): Promise<ModuleResult | undefined> {
  const content = await readFile(localPath);
  const inside = remoteJoin(dest, basename(localPath));
  let target = dest.endsWith('/') ? inside : dest;
  let current = await directState(ctx, target, content);
  if (current?.type === 'directory' && target === dest) {
    target = inside;
    current = await directState(ctx, target, content);
  }
  if (current === undefined) return undefined; // a symlink or special file on the way: the probe decides
  if (current.type === 'directory') throw new ModuleArgError('copy', `'dest' ${target} is a directory`);
  const outcome = await deployFile(ctx, {
    module: 'copy',
    dest: target,
    source: { content },
    attributes: attributesFrom('copy', args),
    backup: false,
    force: optionalBool('copy', args, 'force', true),
    current,
    direct: true,
  });
  return deployResult(target, sha256Hex(content), outcome, ctx);
}

async function copyLocalFile(ctx: ModuleContext, localPath: string, dest: string, args: Record<string, unknown>): Promise<ModuleResult> {
  const size = (await stat(localPath)).size;
  const request = { attributes: attributesFrom('copy', args), backup: optionalBool('copy', args, 'backup', false), size };
  if (deploysDirectly(ctx, request)) {
    const result = await copyLocalFileDirectly(ctx, localPath, dest, args);
    if (result) return result;
  }
  // Probe dest and dest/<basename> together: if dest turns out to be a directory the file goes inside it.
  const inside = remoteJoin(dest, basename(localPath));
  const [destState, insideState] = await probe(ctx, dest.endsWith('/') ? [inside, inside] : [dest, inside], false);
  const target = dest.endsWith('/') || destState?.type === 'directory' ? inside : dest;
  let current = target === inside ? insideState : destState;
  if (!current) throw new Error(`copy: probe returned nothing for ${target}`);
  const sha256 = await sha256File(localPath);
  // For --diff, a small text file's content is worth a second read of the destination.
  let source: { content: Buffer } | { localPath: string; sha256: string; size: number } = { localPath, sha256, size };
  if (ctx.diff && size <= 256 * 1024 && current.type === 'file' && current.checksum !== sha256) {
    source = { content: await readFile(localPath) };
    [current] = await probe(ctx, [target], true);
    if (!current) throw new Error(`copy: probe returned nothing for ${target}`);
  }
  const outcome = await deployFile(ctx, {
    module: 'copy',
    dest: target,
    source,
    attributes: request.attributes,
    backup: request.backup,
    force: optionalBool('copy', args, 'force', true),
    current,
  });
  return deployResult(target, sha256, outcome, ctx);
}

export const copyModule: ModuleDefinition = {
  name: 'copy',
  argsSchema: {
    type: 'object',
    properties: {
      src: { type: 'string' },
      content: { type: 'string' },
      dest: { type: 'string' },
      backup: { type: ['boolean', 'string'] },
      force: { type: ['boolean', 'string'] },
      ...fileAttributeSchema,
    },
    required: ['dest'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const dest = requireString('copy', args, 'dest');
      const content = args['content'];
      const src = optionalString('copy', args, 'src');
      if (content !== undefined && src !== undefined) throw new ModuleArgError('copy', "'src' and 'content' are mutually exclusive");
      if (content !== undefined) {
        if (typeof content !== 'string') throw new ModuleArgError('copy', "'content' must be a string");
        if (dest.endsWith('/')) throw new ModuleArgError('copy', `'dest' ${dest} must be a file path when 'content' is given`);
        return copyContent('copy', ctx, Buffer.from(content, 'utf8'), dest, args);
      }
      if (src === undefined) throw new ModuleArgError('copy', "one of 'src' or 'content' is required");
      const localPath = ctx.findFile(src, 'files');
      const info = await stat(localPath).catch(() => undefined);
      if (!info) throw new ModuleArgError('copy', `'src' ${src} not found on the controller (looked at ${localPath})`);
      if (info.isDirectory()) return copyTree(ctx, localPath, src, dest, args);
      // a vault-encrypted src goes out decrypted, as in Ansible (the plaintext never touches the controller's disk)
      const vaulted = await readIfVaulted(localPath);
      if (vaulted) return copyContent('copy', ctx, vaulted, dest.endsWith('/') ? remoteJoin(dest, basename(localPath)) : dest, args);
      return copyLocalFile(ctx, localPath, dest, args);
    }),
};
