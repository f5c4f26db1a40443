// The ceilings airlock puts on what it reads, so that a hostile or careless input fails with a clear error instead of
// hanging or eating the controller's memory. Each can be raised (or lowered) with an environment variable; a value
// that is not a positive integer is an input error, never silently replaced by the default.
import { InputError } from './errors.js';

export interface InputLimits {
  /** bytes of one input file (playbook, inventory, vars file, manifest, key) */
  fileBytes: number;
  /** nesting levels of one YAML/JSON document */
  yamlDepth: number;
  /** nodes a YAML document may add through aliases and merge keys (`*a`, `<<: *a`): the "billion laughs" guard */
  yamlAliasNodes: number;
  /** hosts one inventory range (`web[0:99]`) may stand for */
  hostRange: number;
}

interface LimitSpec {
  env: string;
  fallback: number;
  unit: string;
}

export const LIMIT_SPECS: Readonly<Record<keyof InputLimits, LimitSpec>> = {
  // a 60 MB playbook or inventory must load (issue 18), so 64 MiB; /dev/zero and friends are refused as non-files
  fileBytes: { env: 'AIRLOCK_MAX_FILE_BYTES', fallback: 64 * 1024 * 1024, unit: 'bytes' },
  // the yaml package's composer recurses and overflows the stack at ~780 levels; real files stay under 20
  yamlDepth: { env: 'AIRLOCK_MAX_YAML_DEPTH', fallback: 200, unit: 'levels' },
  yamlAliasNodes: { env: 'AIRLOCK_MAX_YAML_ALIAS_NODES', fallback: 100_000, unit: 'nodes' },
  hostRange: { env: 'AIRLOCK_MAX_HOST_RANGE', fallback: 100_000, unit: 'hosts' },
};

function readLimit(spec: LimitSpec): number {
  const text = process.env[spec.env];
  if (text === undefined || text === '') return spec.fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new InputError(`${spec.env} must be a positive integer (${spec.unit}), got '${text}'`);
  }
  return value;
}

/** The limits in force, read from the environment on every call (cheap, and tests can change them). */
export function inputLimits(): InputLimits {
  return {
    fileBytes: readLimit(LIMIT_SPECS.fileBytes),
    yamlDepth: readLimit(LIMIT_SPECS.yamlDepth),
    yamlAliasNodes: readLimit(LIMIT_SPECS.yamlAliasNodes),
    hostRange: readLimit(LIMIT_SPECS.hostRange),
  };
}

/** "the limit is 200 levels (AIRLOCK_MAX_YAML_DEPTH)": what every limit error ends with, so the fix is in the message. */
export function limitNote(name: keyof InputLimits, value: number): string {
  const spec = LIMIT_SPECS[name];
  return `the limit is ${value} ${spec.unit} (set ${spec.env} to change it)`;
}
