// file: make a path a directory, a file (existing), a symlink, touched, or absent, with mode/owner/group
// (recursively for directories). `fileCommands` is the pure decision: probed state in, exact commands out.
import { sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString, requireString } from './lib/common.js';
import { attributeCommands, normalizeMode, type FileAttributes } from './lib/attributes.js';
import { attributesFrom, fileAttributeSchema } from './copy.js';
import { parseProbe, probeCommand, type RemoteState } from './lib/remote-state.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

export type FileState = 'directory' | 'file' | 'absent' | 'touch' | 'link';

export interface FileArgs {
  path: string;
  state: FileState;
  src?: string;
  recurse: boolean;
  force: boolean;
  attributes: FileAttributes;
}

export interface FilePlan {
  commands: string[];
  changes: string[];
  /** a user-facing reason the state cannot be reached (task fails) */
  error?: string;
}

const RECURSE_TAG = 'R';

/** Prints `R<TAB>1` when some entry below a directory does not have the wanted owner/group/mode (recurse). */
export function recurseCheck(path: string, attributes: FileAttributes): string {
  const tests: string[] = [];
  if (attributes.owner !== undefined) tests.push(sh`! -user ${attributes.owner}`);
  if (attributes.group !== undefined) tests.push(sh`! -group ${attributes.group}`);
  if (attributes.mode !== undefined) tests.push(sh`! -perm ${normalizeMode('file', attributes.mode)}`);
  if (tests.length === 0) return '';
  return sh`if [ -d ${path} ]; then printf '%s\\t%s\\n' ${RECURSE_TAG} "$(find ${path} -mindepth 1 \\( ` + tests.join(' -o ') + ` \\) -print 2>/dev/null | head -n 1 | wc -l)"; fi`;
}

export function parseRecurse(stdout: string): boolean {
  return stdout.split('\n').some((line) => line === `${RECURSE_TAG}\t1`);
}

function recursiveCommands(path: string, attributes: FileAttributes): string[] {
  const commands: string[] = [];
  if (attributes.owner !== undefined || attributes.group !== undefined) {
    commands.push(sh`chown -R ${`${attributes.owner ?? ''}${attributes.group !== undefined ? `:${attributes.group}` : ''}`} -- ${path}`);
  }
  if (attributes.mode !== undefined) commands.push(sh`chmod -R ${normalizeMode('file', attributes.mode)} -- ${path}`);
  return commands;
}

export function fileCommands(args: FileArgs, current: RemoteState, childrenDiffer = false): FilePlan {
  const { path, attributes } = args;
  const exists = current.type !== 'absent';
  switch (args.state) {
    case 'absent':
      return exists ? { commands: [sh`rm -rf -- ${path}`], changes: [`removed ${current.type}`] } : { commands: [], changes: [] };
    case 'directory': {
      if (exists && current.type !== 'directory') return { commands: [], changes: [], error: `${path} exists and is a ${current.type}, not a directory` };
      const plan: FilePlan = { commands: [], changes: [] };
      if (!exists) plan.commands.push(sh`mkdir -p -- ${path}`), plan.changes.push('created directory');
      const own = attributeCommands(path, attributes, exists ? current : undefined, 'file');
      plan.commands.push(...own.commands);
      plan.changes.push(...own.changes);
      if (args.recurse && childrenDiffer) {
        plan.commands.push(...recursiveCommands(path, attributes));
        plan.changes.push('attributes below the directory');
      }
      return plan;
    }
    case 'file': {
      if (!exists) return { commands: [], changes: [], error: `file (${path}) is absent, cannot continue` };
      if (current.type !== 'file') return { commands: [], changes: [], error: `${path} is a ${current.type}, not a file` };
      return attributeCommands(path, attributes, current, 'file');
    }
    case 'touch': {
      // An existing path keeps its timestamps (Ansible's modification_time/access_time: preserve), so a second
      // run changes nothing and reports ok.
      const plan: FilePlan = { commands: [], changes: [] };
      if (!exists) plan.commands.push(sh`touch -- ${path}`), plan.changes.push('created file');
      const own = attributeCommands(path, attributes, exists ? current : undefined, 'file');
      plan.commands.push(...own.commands);
      plan.changes.push(...own.changes);
      return plan;
    }
    case 'link': {
      if (args.src === undefined) return { commands: [], changes: [], error: "'src' is required with state=link" };
      if (current.type === 'link' && current.linkTarget === args.src) return { commands: [], changes: [] };
      if (current.type === 'directory') return { commands: [], changes: [], error: `${path} is a directory, refusing to replace it with a link` };
      if (exists && current.type !== 'link' && !args.force) {
        return { commands: [], changes: [], error: `${path} exists and is a ${current.type}; set force: true to replace it with a link` };
      }
      const change = current.type === 'link' ? `link ${current.linkTarget ?? ''} -> ${args.src}` : `created link to ${args.src}`;
      return { commands: [sh`ln -sfn -- ${args.src} ${path}`], changes: [change] };
    }
  }
}

function describe(state: RemoteState): string {
  return state.type === 'link' ? `link -> ${state.linkTarget ?? ''}` : state.type === 'absent' ? 'absent' : `${state.type} mode=${state.mode} owner=${state.owner} group=${state.group}`;
}

export function parseFileArgs(args: Record<string, unknown>): FileArgs {
  const path = requireString('file', args, 'path');
  const state = (optionalString('file', args, 'state') ?? 'file') as FileState;
  if (!['directory', 'file', 'absent', 'touch', 'link'].includes(state)) throw new ModuleArgError('file', `'state' must be one of directory, file, absent, touch, link; got ${state}`);
  const parsed: FileArgs = {
    path,
    state,
    recurse: optionalBool('file', args, 'recurse', false),
    force: optionalBool('file', args, 'force', false),
    attributes: attributesFrom('file', args),
  };
  const src = optionalString('file', args, 'src');
  if (src !== undefined) parsed.src = src;
  if (parsed.recurse && state !== 'directory') throw new ModuleArgError('file', "'recurse' needs state=directory");
  if (parsed.recurse && typeof parsed.attributes.mode === 'string' && !/^[0-7]{3,4}$/.test(parsed.attributes.mode)) {
    throw new ModuleArgError('file', "'recurse' needs an octal 'mode' (symbolic modes cannot be compared below the directory)");
  }
  return parsed;
}

export const fileModule: ModuleDefinition = {
  name: 'file',
  argsSchema: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      state: { enum: ['directory', 'file', 'absent', 'touch', 'link'] },
      src: { type: 'string' },
      recurse: { type: ['boolean', 'string'] },
      force: { type: ['boolean', 'string'] },
      ...fileAttributeSchema,
    },
    required: ['path'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const parsed = parseFileArgs(args);
      const follow = parsed.state === 'file';
      const probe = [probeCommand([parsed.path], { follow }), parsed.recurse ? recurseCheck(parsed.path, parsed.attributes) : ''].filter(Boolean).join('; ');
      const probed = await exec(ctx, probe);
      if (probed.rc !== 0) throw new Error(`file: reading the state of ${parsed.path} failed (rc ${probed.rc}): ${probed.stderr.trim()}`);
      const [current] = parseProbe([parsed.path], probed.stdout);
      if (!current) throw new Error(`file: probe returned nothing for ${parsed.path}`);
      const plan = fileCommands(parsed, current, parseRecurse(probed.stdout));
      if (plan.error) return { changed: false, failed: true, msg: `file: ${plan.error}`, data: { path: parsed.path, state: current.type } };
      const changed = plan.commands.length > 0;
      const data = { path: parsed.path, state: changed ? parsed.state : current.type === 'link' ? 'link' : parsed.state };
      const result: ModuleResult = { changed, msg: changed ? `${ctx.check ? 'would change' : 'changed'}: ${plan.changes.join(', ')}` : 'up to date', data };
      if (changed && ctx.diff) result.diff = [{ path: parsed.path, before: describe(current), after: `${parsed.state}${plan.changes.length ? ` (${plan.changes.join(', ')})` : ''}` }];
      if (!changed || ctx.check) return result;
      const applied = await exec(ctx, plan.commands.join(' && '));
      if (applied.rc !== 0) return { changed: true, failed: true, msg: `file: ${plan.changes.join(', ')} failed (rc ${applied.rc}): ${applied.stderr.trim()}`, data };
      return result;
    }),
};
