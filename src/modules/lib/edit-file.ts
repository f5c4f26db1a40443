// The path every "edit a text file in place" module (replace, blockinfile) takes: read the file and its state in the
// one probe exec, compute the new text with a pure function, then install it with deploy.ts's atomic rename (which
// keeps the file's mode and owner and applies the requested ones). Messages and rc values are Ansible's.
import { attributesFrom } from '../copy.js';
import { exec, ModuleArgError, optionalBool, optionalString } from './common.js';
import { deployFile } from './deploy.js';
import { parseProbe, probeCommand } from './remote-state.js';
import type { ModuleContext, ModuleResult } from './types.js';

/** The file an edit module works on: `path`, or one of the aliases Ansible accepts for it. */
const PATH_ALIASES = ['path', 'dest', 'destfile', 'name'] as const;

export const pathAliasSchema: Record<(typeof PATH_ALIASES)[number], { type: 'string' }> = {
  path: { type: 'string' }, dest: { type: 'string' }, destfile: { type: 'string' }, name: { type: 'string' },
};

/** path and its aliases (dest, destfile, name), as Ansible accepts them. */
export function pathArgument(module: string, args: Record<string, unknown>): string {
  for (const key of PATH_ALIASES) {
    const value = optionalString(module, args, key);
    if (value !== undefined && value !== '') return value;
  }
  throw new ModuleArgError(module, "'path' is required");
}

export interface TextEdit {
  content: string;
  changed: boolean;
  /** Ansible's msg when the content changes (or '' when it does not) */
  msg: string;
}

export interface EditRequest {
  module: string;
  path: string;
  args: Record<string, unknown>;
  /** a missing file is created (blockinfile create: true) instead of failing with rc 257 */
  create: boolean;
  /** the new text from the current one (undefined when the file does not exist yet) */
  edit(current: string | undefined): TextEdit;
  /** what to answer when the file is missing, `create` is set and the edit would not create it (blockinfile state=absent) */
  whenMissing?: () => ModuleResult;
}

/** Ansible's check_file_attrs wording when mode/owner/group change as well. */
export function withAttributeMessage(msg: string, contentChanged: boolean, attributesChanged: boolean): string {
  if (!attributesChanged) return msg;
  const attributes = 'ownership, perms or SE linux context changed';
  return contentChanged && msg !== '' ? `${msg} and ${attributes}` : attributes;
}

export async function editTextFile(ctx: ModuleContext, request: EditRequest): Promise<ModuleResult> {
  const { module, path } = request;
  const probed = await exec(ctx, probeCommand([path], { checksum: 'sha256', content: true, follow: true }));
  if (probed.rc !== 0) return { changed: false, failed: true, msg: `${module}: reading ${path} failed (rc ${probed.rc}): ${probed.stderr.trim()}` };
  const [current] = parseProbe([path], probed.stdout);
  if (!current) throw new Error(`${module}: probe returned nothing for ${path}`);
  if (current.type === 'directory') return { changed: false, failed: true, rc: 256, msg: `Path ${path} is a directory !` };
  if (current.type === 'absent') {
    // Ansible checks `create` first: even state=absent fails on a missing file unless create is set
    if (!request.create) return { changed: false, failed: true, rc: 257, msg: `Path ${path} does not exist !` };
    if (request.whenMissing) return request.whenMissing();
  } else if (current.type !== 'file') {
    return { changed: false, failed: true, msg: `${module}: ${path} is a ${current.fileType}, not a regular file` };
  }
  const edit = request.edit(current.type === 'absent' ? undefined : current.content ?? '');
  if (!edit.changed && current.type === 'absent') return { changed: false, msg: edit.msg };
  const outcome = await deployFile(ctx, {
    module,
    dest: path,
    source: { content: Buffer.from(edit.content, 'utf8') },
    attributes: attributesFrom(module, request.args),
    backup: optionalBool(module, request.args, 'backup', false),
    force: true,
    current,
  });
  const attributesChanged = outcome.changes.some((change) => change !== 'content' && change !== 'created');
  const result: ModuleResult = {
    changed: outcome.changed,
    msg: withAttributeMessage(edit.msg, outcome.contentChanged, attributesChanged),
    data: outcome.backupFile ? { backup_file: outcome.backupFile } : {},
  };
  if (outcome.diff) result.diff = [outcome.diff];
  return result;
}
