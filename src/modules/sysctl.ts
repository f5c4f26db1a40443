// sysctl (ansible.posix): a kernel parameter in a sysctl file (default /etc/sysctl.conf), optionally set with
// `sysctl -w` (sysctl_set) and the file reloaded with `sysctl -p` (reload), as Ansible's module decides it: the
// file is rewritten with every `key=value` line normalised and later duplicates dropped, comments kept. Reads:
// `sysctl -e -n` and the file; the plan is pure (sysctlPlan). Like Ansible it returns only `changed`.
import { joinCommand } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalString } from './lib/common.js';
import { deployFile } from './lib/deploy.js';
import { parseProbe, probeCommand } from './lib/remote-state.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';

/** Ansible runs sysctl in the C locale, so that its error messages can be recognised. */
const C_LOCALE = 'LANG=C LC_ALL=C LC_MESSAGES=C';

export interface SysctlSpec {
  name: string;
  value: string;
  state: 'present' | 'absent';
  reload: boolean;
  sysctlSet: boolean;
  ignoreErrors: boolean;
  file: string;
}

export interface SysctlPlan {
  changed: boolean;
  setProc: boolean;
  /** the file's new text, when it is to be written */
  write?: string;
  reload: boolean;
}

const isComment = (line: string): boolean => line === '' || line.startsWith('#') || line.startsWith(';') || !line.includes('=');

function splitEntry(line: string): [string, string] {
  const equals = line.indexOf('=');
  return [line.slice(0, equals).trim(), line.slice(equals + 1).trim()];
}

/** Whitespace-separated words equal one by one (Ansible's _values_is_equal). */
function sameValue(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = a.split(/\s+/).filter(Boolean);
  const y = b.split(/\s+/).filter(Boolean);
  return x.length === y.length && x.every((word, index) => word === y[index]);
}

/** What Ansible's SysctlModule.process decides, from `sysctl -e -n` (undefined when it failed) and the file's text. */
export function sysctlPlan(spec: SysctlSpec, procValue: string | undefined, fileText: string): SysctlPlan {
  const lines = (fileText.match(/[^\n]*\n|[^\n]+$/g) ?? []).map((line) => line.trim());
  const values = new Map<string, string>();
  for (const line of lines) {
    if (isComment(line)) continue;
    const [key, value] = splitEntry(line);
    values.set(key, value);
  }
  const fixed: string[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    if (isComment(line)) {
      fixed.push(line);
      continue;
    }
    const [key, value] = splitEntry(line);
    if (seen.has(key)) continue;
    seen.add(key);
    if (key !== spec.name) fixed.push(`${key}=${value}`);
    else if (spec.state === 'present') fixed.push(`${key}=${spec.value}`);
  }
  if (!seen.has(spec.name) && spec.state === 'present') fixed.push(`${spec.name}=${spec.value}`);

  const inFile = values.get(spec.name);
  let changed = false;
  let write = false;
  let setProc = false;
  if (inFile === undefined) {
    changed = write = spec.state === 'present';
  } else if (inFile !== '' && spec.state === 'absent') {
    changed = write = true;
  } else if (inFile !== spec.value) {
    changed = write = true;
  } else if (spec.reload && !sameValue(procValue, spec.value)) {
    changed = true;
  }
  if (spec.sysctlSet && spec.state === 'present' && !sameValue(procValue, spec.value)) {
    changed = true;
    setProc = procValue !== undefined;
  }
  const plan: SysctlPlan = { changed, setProc, reload: changed && spec.reload };
  if (write) plan.write = fixed.map((line) => `${line}\n`).join('');
  return plan;
}

export function readCommand(name: string): string {
  return `${C_LOCALE} ${joinCommand(['sysctl', '-e', '-n', name])}`;
}

export function setCommand(spec: SysctlSpec): string {
  return `${C_LOCALE} ${joinCommand(['sysctl', ...(spec.ignoreErrors ? ['-e'] : []), '-w', `${spec.name}=${spec.value}`])}`;
}

export function reloadCommand(spec: SysctlSpec): string {
  return `${C_LOCALE} ${joinCommand(['sysctl', ...(spec.ignoreErrors ? ['-e'] : []), '-p', spec.file])}`;
}

/** sysctl can exit 0 and still have refused the value: Ansible reads its stderr for that. */
function refused(stderr: string): boolean {
  return /^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$/m.test(stderr);
}

/** Ansible's _parse_value: booleans become 1/0, strings are trimmed. */
function parseValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = String(value);
  const lower = text.toLowerCase();
  if (['yes', 'on', '1', 'true', 'y', 't'].includes(lower)) return '1';
  if (['no', 'off', '0', 'false', 'n', 'f'].includes(lower)) return '0';
  return text.trim();
}

export function parseSysctlSpec(args: Record<string, unknown>): SysctlSpec {
  const name = (optionalString('sysctl', args, 'name') ?? optionalString('sysctl', args, 'key') ?? '').trim();
  if (name === '') throw new ModuleArgError('sysctl', 'name cannot be blank');
  if (/[\s=]/.test(name)) throw new ModuleArgError('sysctl', `'name' ${JSON.stringify(name)} is not a sysctl key`);
  const state = optionalString('sysctl', args, 'state') ?? 'present';
  if (state !== 'present' && state !== 'absent') throw new ModuleArgError('sysctl', `'state' must be present or absent, got ${state}`);
  const raw = args.value ?? args.val;
  if (state === 'present' && (raw === undefined || raw === null)) throw new ModuleArgError('sysctl', 'value cannot be None');
  if (state === 'present' && raw === '') throw new ModuleArgError('sysctl', 'value cannot be blank');
  const value = parseValue(raw);
  if (/\n/.test(value)) throw new ModuleArgError('sysctl', "'value' may not contain a line break");
  return {
    name,
    value,
    state,
    reload: optionalBool('sysctl', args, 'reload', true),
    sysctlSet: optionalBool('sysctl', args, 'sysctl_set', false),
    ignoreErrors: optionalBool('sysctl', args, 'ignoreerrors', false),
    file: optionalString('sysctl', args, 'sysctl_file') ?? '/etc/sysctl.conf',
  };
}

async function apply(ctx: ModuleContext, spec: SysctlSpec, plan: SysctlPlan, current: Parameters<typeof deployFile>[1]['current']): Promise<ModuleResult> {
  if (plan.setProc) {
    const set = await exec(ctx, setCommand(spec));
    if (set.rc !== 0 || refused(set.stderr)) return { changed: false, failed: true, msg: `setting ${spec.name} failed: ${set.stdout}${set.stderr}` };
  }
  if (plan.write !== undefined) {
    await deployFile(ctx, { module: 'sysctl', dest: spec.file, source: { content: Buffer.from(plan.write, 'utf8') }, attributes: {}, backup: false, force: true, current });
  }
  if (plan.reload) {
    const reloaded = await exec(ctx, reloadCommand(spec));
    if (reloaded.rc !== 0 || refused(reloaded.stderr)) return { changed: false, failed: true, msg: `Failed to reload sysctl: ${reloaded.stdout}${reloaded.stderr}` };
  }
  return { changed: plan.changed };
}

export const sysctlModule: ModuleDefinition = {
  name: 'sysctl',
  argsSchema: {
    type: 'object',
    properties: {
      name: { type: 'string' }, key: { type: 'string' },
      value: { type: ['string', 'number', 'boolean'] }, val: { type: ['string', 'number', 'boolean'] },
      state: { enum: ['present', 'absent'] },
      reload: { type: ['boolean', 'string'] },
      sysctl_set: { type: ['boolean', 'string'] },
      ignoreerrors: { type: ['boolean', 'string'] },
      sysctl_file: { type: 'string' },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const spec = parseSysctlSpec(args);
      const read = await exec(ctx, readCommand(spec.name));
      const probed = await exec(ctx, probeCommand([spec.file], { checksum: 'sha256', content: true, follow: true }));
      const [current] = parseProbe([spec.file], probed.stdout);
      if (!current) throw new Error(`sysctl: probe returned nothing for ${spec.file}`);
      const plan = sysctlPlan(spec, read.rc === 0 ? read.stdout : undefined, current.type === 'file' ? current.content ?? '' : '');
      if (ctx.check) return { changed: plan.changed };
      return apply(ctx, spec, plan, current);
    }),
};
