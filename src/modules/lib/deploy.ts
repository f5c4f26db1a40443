// Putting a file's content on a host atomically, shared by copy, template and lineinfile: upload to a staging name
// next to the destination, give it the destination's (or the requested) mode and owner, then rename it into place.
// Two ways, one decision (deployFile): when the destination's state was read without a command (deploy-direct.ts:
// no sudo, no owner/group, small content), the connection's file channel writes, sets the mode and renames, and no
// process starts on the host. Otherwise an install exec does it: small content rides on its stdin (one round trip,
// no SFTP session); a larger file streams over SFTP first, and with become it lands in /tmp (the login user may not
// write the destination directory) and the privileged exec copies it next to the destination before the rename.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sh } from '../../util/shell.js';
import type { TaskDiff } from '../../types/result.js';
import { UnreachableError } from '../../connection/errors.js';
import { exec, tempToken } from './common.js';
import { remoteBasename, remoteDirname, remoteJoin } from '../../util/remote-path.js';
import { attributeCommands, normalizeMode, targetMode, type FileAttributes } from './attributes.js';
import type { RemoteState } from './remote-state.js';
import type { ModuleContext, ModuleResult } from './types.js';

export interface StagePaths {
  /** where conn.putContent/putFile writes */
  upload: string;
  /** the file renamed onto the destination (same directory, so the rename is atomic) */
  staged: string;
}

export function stagePaths(dest: string, token: string, viaTmp: boolean): StagePaths {
  const staged = remoteJoin(remoteDirname(dest), `.${remoteBasename(dest)}.airlock-${token}`);
  return { upload: viaTmp ? `/tmp/.airlock-upload-${token}` : staged, staged };
}

/** Ansible's backup name: dest.<date>@<time>~ */
export function backupPath(dest: string, now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}@${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return `${dest}.${stamp}~`;
}

/**
 * Content up to this size is written by the install exec itself from its stdin: one channel instead of the exec plus
 * SFTP (a session and a subsystem on the host where none was open yet, then open, write, close and chmod round
 * trips). Most templates and copied configuration files are far smaller.
 */
export const INLINE_CONTENT_MAX_BYTES = 64 * 1024;

export interface InstallSpec {
  paths: StagePaths;
  /** the content arrives on the exec's stdin and is written to paths.staged (private until the mode is set) */
  contentOnStdin?: boolean;
  dest: string;
  /** the destination exists: copy its mode and owner onto the new file first (Ansible's atomic_move does the same) */
  preserveExisting: boolean;
  /** chmod/chown commands for the staged path */
  attributeCommands: string[];
  backup?: string;
}

/** The one exec that moves an uploaded file into place; on any failure it removes the staged file. */
export function installCommand(spec: InstallSpec): string {
  const { paths, dest } = spec;
  const steps: string[] = [];
  if (spec.contentOnStdin) steps.push(sh`(umask 077 && cat > ${paths.staged})`);
  // the upload itself is removed by its owner, the login user (deployFile): in sticky /tmp a become user may not
  else if (paths.upload !== paths.staged) steps.push(sh`cp -- ${paths.upload} ${paths.staged}`);
  if (spec.backup) steps.push(sh`cp -p -- ${dest} ${spec.backup}`);
  if (spec.preserveExisting) steps.push(sh`chmod --reference=${dest} -- ${paths.staged}`, sh`chown --reference=${dest} -- ${paths.staged}`);
  steps.push(...spec.attributeCommands, sh`mv -f -- ${paths.staged} ${dest}`);
  return `{ ${steps.join(' && ')}; } || { rc=$?; ${sh`rm -f -- ${paths.staged}`}; exit $rc; }`;
}

export function sha256Hex(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Text diffs only: binary or large content would be noise in the report. */
export function isDiffable(content: Buffer | string | undefined): boolean {
  if (content === undefined) return true;
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return buffer.length <= 256 * 1024 && !buffer.includes(0);
}

export type ContentSource = { content: Buffer } | { localPath: string; sha256: string; size: number };

export interface DeployRequest {
  module: string;
  dest: string;
  source: ContentSource;
  attributes: FileAttributes;
  backup: boolean;
  /** false: never replace an existing destination's content (attributes are still enforced) */
  force: boolean;
  /** the destination as probed (with content when --diff is on) */
  current: RemoteState;
  /** `current` was read without a command (deploy-direct.ts), and the content is installed the same way */
  direct?: boolean;
}

export interface DeployOutcome {
  changed: boolean;
  contentChanged: boolean;
  changes: string[];
  backupFile?: string;
  diff?: TaskDiff;
}

/** Decide, then (unless check mode) upload and install one file: one exec at most after the probe, none when direct. */
export async function deployFile(ctx: ModuleContext, request: DeployRequest): Promise<DeployOutcome> {
  const { dest, current, source } = request;
  const exists = current.type !== 'absent';
  const newChecksum = 'content' in source ? sha256Hex(source.content) : source.sha256;
  const contentChanged = !exists || (request.force && current.checksum !== newChecksum);
  const changes: string[] = [];
  if (!exists) changes.push('created');
  else if (contentChanged) changes.push('content');

  let diff: TaskDiff | undefined;
  if (ctx.diff && contentChanged && 'content' in source && isDiffable(source.content) && isDiffable(current.content)) {
    diff = { path: dest, before: current.content ?? '', after: source.content.toString('utf8') };
  }

  if (!contentChanged) {
    const attributes = attributeCommands(dest, request.attributes, current, request.module);
    changes.push(...attributes.changes);
    if (attributes.commands.length > 0 && !ctx.check) {
      const result = await exec(ctx, attributes.commands.join(' && '));
      if (result.rc !== 0) throw new Error(`${request.module}: setting attributes of ${dest} failed (rc ${result.rc}): ${result.stderr.trim()}`);
    }
    return { changed: attributes.commands.length > 0, contentChanged: false, changes };
  }

  // The staged file inherits the destination's attributes first, so only requested differences are applied on top.
  const attributes = attributeCommands('', request.attributes, exists ? current : undefined, request.module);
  changes.push(...attributes.changes);
  const outcome: DeployOutcome = { changed: true, contentChanged: true, changes };
  if (diff) outcome.diff = diff;
  if (request.backup && exists) outcome.backupFile = backupPath(dest, new Date());
  if (ctx.check) return outcome;

  if (request.direct && 'content' in source) {
    await installDirectly(ctx, request.module, dest, source.content, request.attributes, exists ? current : undefined);
    return outcome;
  }
  const inline = await inlineContent(source);
  // Inline content is written by the (become) exec itself, so it never needs the /tmp detour.
  const becomeOther = ctx.become !== undefined && inline === undefined;
  const paths = stagePaths(dest, tempToken(), becomeOther);
  const stagedAttributes = attributeCommands(paths.staged, request.attributes, exists ? current : undefined, request.module);
  if (inline === undefined) {
    const uploadMode = becomeOther && ctx.become?.user && ctx.become.user !== 'root' ? 0o644 : 0o600;
    if ('content' in source) await ctx.conn.putContent(source.content, paths.upload, { mode: uploadMode });
    else await ctx.conn.putFile(source.localPath, paths.upload, { mode: uploadMode, signal: ctx.signal });
  }
  const spec: InstallSpec = { paths, dest, preserveExisting: exists, attributeCommands: stagedAttributes.commands, contentOnStdin: inline !== undefined };
  if (outcome.backupFile) spec.backup = outcome.backupFile;
  // A brand-new file without a requested mode gets the usual 0644 rather than the 0600 of the upload.
  if (!exists && request.attributes.mode === undefined) spec.attributeCommands = [...spec.attributeCommands, sh`chmod 0644 -- ${paths.staged}`];
  try {
    const result = await exec(ctx, installCommand(spec), inline === undefined ? {} : { stdin: inline });
    if (result.rc !== 0) throw new Error(`${request.module}: installing ${dest} failed (rc ${result.rc}): ${result.stderr.trim()}`);
  } finally {
    // without become: the login user uploaded it, and /tmp's sticky bit lets only its owner (or root) remove it
    if (paths.upload !== paths.staged) await ctx.conn.exec(sh`rm -f -- ${paths.upload}`);
  }
  return outcome;
}

/**
 * The installed file's mode: the requested one (symbolic modes apply to the current mode), else the existing
 * file's, else 0644 - what the exec path gives a new file.
 */
export function installedMode(module: string, attributes: FileAttributes, current: RemoteState | undefined): number {
  if (attributes.mode !== undefined) return parseInt(targetMode(normalizeMode(module, attributes.mode), current), 8);
  return current === undefined ? 0o644 : parseInt(current.mode, 8);
}

/** Write `content` over `dest` in one atomic rename, keeping an existing file's owner (as Ansible's atomic_move). */
export async function installDirectly(ctx: ModuleContext, module: string, dest: string, content: Buffer, attributes: FileAttributes, current: RemoteState | undefined): Promise<void> {
  const { staged } = stagePaths(dest, tempToken(), false);
  try {
    await ctx.conn.installFile({
      content,
      staged,
      dest,
      mode: installedMode(module, attributes, current),
      ...(current === undefined ? {} : { owner: { uid: current.uid, gid: current.gid } }),
    });
  } catch (error) {
    // a dropped link stays what it is, so the host is reported unreachable rather than failed
    if (error instanceof UnreachableError) throw error;
    throw new Error(`${module}: installing ${dest} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The content to send on the install exec's stdin, when it is small enough; undefined means upload it over SFTP. */
async function inlineContent(source: ContentSource): Promise<Buffer | undefined> {
  if ('content' in source) return source.content.length <= INLINE_CONTENT_MAX_BYTES ? source.content : undefined;
  return source.size <= INLINE_CONTENT_MAX_BYTES ? readFile(source.localPath) : undefined;
}

export function deployResult(dest: string, checksum: string, outcome: DeployOutcome, ctx: ModuleContext): ModuleResult {
  const result: ModuleResult = {
    changed: outcome.changed,
    msg: outcome.changed ? `${ctx.check ? 'would change' : 'changed'}: ${outcome.changes.join(', ')}` : 'up to date',
    data: { dest, checksum, ...(outcome.backupFile ? { backup_file: outcome.backupFile } : {}) },
  };
  if (outcome.diff) result.diff = [outcome.diff];
  return result;
}
