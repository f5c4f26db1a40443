// credentials: a host's secrets (database passwords, API keys), kept on the CONTROLLER in one JSON file per host with
// mode 0600 (directory 0700). For each name: a value given in the task wins, then one `known` (e.g. read back from the
// host), then the file's, else a new strong random one. In production mode, weak or well-known given values
// (upstream's default "misp", short ones) are refused. `extra` merges non-generated values (API key, URL) into the file.
// Run it with `delegate_to: localhost` and `no_log: true`; the executor also redacts every returned value.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { failOnArgError, ModuleArgError, optionalBool, requireString } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';

const MODULE = 'credentials';
/** Quotes, backslashes and white space would need escaping in SQL and PHP string literals: refused in given values. */
const SAFE_SECRET = /^[A-Za-z0-9!#$%&()*+,\-./:;<=>?@[\]^_{|}~]+$/;
const WELL_KNOWN = new Set(['misp', 'password', 'admin', 'changeme', 'root', 'mysql', 'secret', '123456']);

/** 32 characters from a 62-letter alphabet: about 190 bits. */
export function generateSecret(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += alphabet[byte % 62];
    }
  }
  return out;
}

export function weaknessOf(value: string): string | undefined {
  if (WELL_KNOWN.has(value.toLowerCase())) return 'it is a well-known default';
  if (value.length < 12) return 'it is shorter than 12 characters';
  if (new Set(value).size < 6) return 'it repeats too few characters';
  return undefined;
}

function stringMap(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ModuleArgError(MODULE, `'${name}' must be a mapping`);
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (raw === undefined || raw === null || raw === '') continue;
    out[key] = String(raw);
  }
  return out;
}

async function readStore(path: string): Promise<Record<string, string>> {
  try {
    return stringMap(JSON.parse(await readFile(path, 'utf8')), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ModuleArgError(MODULE, `cannot read ${path}: ${(error as Error).message}`);
  }
}

export const credentialsModule: ModuleDefinition = {
  name: MODULE,
  controllerOnly: true,
  argsSchema: {
    type: 'object',
    required: ['path'],
    properties: {
      path: { type: 'string' },
      names: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' } },
      given: { type: 'object' },
      known: { type: 'object' },
      extra: { type: 'object' },
      production: { type: ['boolean', 'string'] },
      length: { type: ['number', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const path = requireString(MODULE, args, 'path');
      const names = (args['names'] as string[] | undefined) ?? [];
      const given = stringMap(args['given'], 'given');
      const known = stringMap(args['known'], 'known');
      const production = optionalBool(MODULE, args, 'production', false);
      for (const [name, value] of Object.entries(given)) {
        if (!SAFE_SECRET.test(value)) throw new ModuleArgError(MODULE, `given '${name}' may not contain quotes, backslashes or white space`);
        const weakness = weaknessOf(value);
        if (production && weakness) throw new ModuleArgError(MODULE, `production mode refuses the given '${name}': ${weakness}`);
      }
      const stored = await readStore(path);
      const next: Record<string, string> = { ...stored };
      for (const name of names) {
        next[name] = given[name] ?? known[name] ?? stored[name] ?? generateSecret(Number(args['length'] ?? 32));
      }
      Object.assign(next, stringMap(args['extra'], 'extra'));
      const changed = JSON.stringify(next) !== JSON.stringify(stored);
      if (changed && !ctx.check) {
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
        await chmod(tmp, 0o600);
        await rename(tmp, path);
      }
      return { changed, msg: `credentials in ${path}`, data: { credentials: next, path } };
    }),
};
