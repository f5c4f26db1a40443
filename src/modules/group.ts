// group: a local group present (with a gid) or absent, as Ansible's group module on Linux does it: groupadd,
// groupmod -g, groupdel. One getent exec decides; at most one more changes. Check mode decides and changes nothing.
import { joinCommand } from '../util/shell.js';
import { accountName, getentEntry, parseGroupLine, type GroupEntry } from './lib/accounts.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString, stripTrailingNewlines } from './lib/common.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

export interface GroupSpec {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
  nonUnique: boolean;
}

/** The one command that brings the group to `spec` (Ansible's argument order), or undefined when it already is. */
export function groupCommand(spec: GroupSpec, current: GroupEntry | undefined): string | undefined {
  if (spec.state === 'absent') return current ? joinCommand(['groupdel', spec.name]) : undefined;
  const gid = spec.gid === undefined ? [] : ['-g', String(spec.gid), ...(spec.nonUnique ? ['-o'] : [])];
  if (!current) return joinCommand(['groupadd', ...gid, ...(spec.system ? ['-r'] : []), spec.name]);
  if (spec.gid === undefined || current.gid === spec.gid) return undefined;
  return joinCommand(['groupmod', ...gid, spec.name]);
}

export function parseGroupSpec(args: Record<string, unknown>): GroupSpec {
  const name = accountName('group', optionalString('group', args, 'name') ?? '');
  const state = optionalString('group', args, 'state') ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgError('group', `'state' must be present or absent, got ${state}`);
  const spec: GroupSpec = { name, state, system: optionalBool('group', args, 'system', false), nonUnique: optionalBool('group', args, 'non_unique', false) };
  const gid = optionalString('group', args, 'gid');
  if (gid !== undefined) {
    if (!/^\d+$/.test(gid)) throw new ModuleArgError('group', `'gid' must be a number, got ${JSON.stringify(gid)}`);
    spec.gid = Number(gid);
  }
  if (spec.nonUnique && spec.gid === undefined) throw new ModuleArgError('group', "'non_unique' needs 'gid'");
  return spec;
}

async function lookup(ctx: Parameters<ModuleDefinition['run']>[1], name: string): Promise<GroupEntry | undefined> {
  const line = await getentEntry(ctx, 'group', 'group', name);
  return line === undefined ? undefined : parseGroupLine(line);
}

export const groupModule: ModuleDefinition = {
  name: 'group',
  argsSchema: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      state: { enum: ['present', 'absent'] },
      gid: { type: ['integer', 'string'] },
      system: { type: ['boolean', 'string'] },
      non_unique: { type: ['boolean', 'string'] },
      local: { const: false },
    },
    required: ['name'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const spec = parseGroupSpec(args);
      const current = await lookup(ctx, spec.name);
      const command = groupCommand(spec, current);
      const data: Record<string, unknown> = { name: spec.name, state: spec.state };
      if (command === undefined || ctx.check) {
        // Ansible answers a check-mode create or delete with changed alone; otherwise the group's gid and system
        if (command !== undefined && (spec.state === 'absent' || !current)) return { changed: true };
        if (current) Object.assign(data, { system: spec.system, gid: current.gid });
        return { changed: command !== undefined, data };
      }
      const result = await exec(ctx, command);
      const output: ModuleResult = { changed: true, data };
      if (result.stdout !== '') output.stdout = stripTrailingNewlines(result.stdout);
      if (result.stderr !== '') output.stderr = stripTrailingNewlines(result.stderr);
      if (result.rc !== 0) return { ...output, changed: false, failed: true, rc: result.rc, msg: stripTrailingNewlines(result.stderr) };
      const after = await lookup(ctx, spec.name);
      if (after) Object.assign(data, { system: spec.system, gid: after.gid });
      return output;
    }),
};
