// An image in a host's LXD, idempotent by fingerprint: the one decision behind `bundle push --import` and the lxd_image
// module. Imports an uploaded unified image with `lxc image import FILE --alias A` after checking the file's SHA-256
// ON THE HOST (a file corrupted after upload is refused before LXD sees it), checks that LXD reports the expected
// fingerprint, and removes the uploaded file unless keep_file. The command builders are pure and exported so that
// tests assert the exact command lines.
import { sh } from '../util/shell.js';
import { LxcError } from '../util/lxc-error.js';
import { remoteDirname, remoteJoin } from '../util/remote-path.js';
import type { ExecResult } from '../connection/types.js';
import { parseManifest } from './schema.js';
import { sha256Command } from './remote-commands.js';

/** What was asked of the image cannot be done as asked (a missing argument, an unreadable or mismatching manifest). */
export class LxdImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LxdImageError';
  }
}

export const lxdImageCommands = {
  /** rc 0 when LXD has an image with this fingerprint */
  info: (fingerprint: string): string => sh`lxc image info ${fingerprint}`,
  /** prints the alias record as JSON ({"target": fingerprint, ...}); rc 1 when the alias does not exist */
  aliasQuery: (alias: string): string => sh`lxc query ${`/1.0/images/aliases/${encodeURIComponent(alias)}`}`,
  aliasCreate: (alias: string, fingerprint: string): string => sh`lxc image alias create ${alias} ${fingerprint}`,
  aliasDelete: (alias: string): string => sh`lxc image alias delete ${alias}`,
  import: (file: string, alias: string | undefined): string => (alias === undefined ? sh`lxc image import ${file}` : sh`lxc image import ${file} --alias ${alias}`),
  delete: (fingerprint: string): string => sh`lxc image delete ${fingerprint}`,
  sha256: sha256Command,
  removeFile: (file: string): string => sh`rm -f ${file}`,
  readFile: (file: string): string => sh`cat ${file}`,
};

/** `lxc image import` prints "Image imported with fingerprint: <fp>" */
export function parseImportedFingerprint(stdout: string): string | undefined {
  return /fingerprint:\s*([0-9a-f]{64})/.exec(stdout)?.[1];
}

export interface LxdImageArgs {
  /** uploaded image file on the host */
  file?: string;
  /** manifest on the host (written there by bundle_push) + component name: file, fingerprint and sha256 come from it */
  manifest?: string;
  component?: string;
  alias?: string;
  fingerprint?: string;
  /** expected SHA-256 of the file (defaults to the fingerprint: a unified image's fingerprint is its SHA-256) */
  sha256?: string;
  state: 'present' | 'absent';
  keep_file: boolean;
}

export type Run = (command: string) => Promise<ExecResult>;

export interface LxdImageOutcome {
  changed: boolean;
  failed?: boolean;
  msg: string;
  fingerprint?: string;
  actions: string[];
}

async function resolveFromManifest(run: Run, args: LxdImageArgs): Promise<LxdImageArgs> {
  if (args.manifest === undefined) return args;
  if (args.component === undefined) throw new LxdImageError("'component' is required with 'manifest'");
  const read = await run(lxdImageCommands.readFile(args.manifest));
  if (read.rc !== 0) throw new LxdImageError(`cannot read manifest ${args.manifest} on the host: ${read.stderr.trim()}`);
  const manifest = parseManifest(read.stdout, args.manifest);
  const component = manifest.components.find((c) => c.name === args.component);
  if (!component) throw new LxdImageError(`component '${args.component}' is not in ${args.manifest} (has: ${manifest.components.map((c) => c.name).join(', ')})`);
  return {
    ...args,
    file: args.file ?? remoteJoin(remoteDirname(args.manifest), component.file),
    fingerprint: args.fingerprint ?? component.lxd_fingerprint,
    sha256: args.sha256 ?? component.sha256,
  };
}

async function aliasTarget(run: Run, alias: string): Promise<string | undefined> {
  const result = await run(lxdImageCommands.aliasQuery(alias));
  if (result.rc !== 0) return undefined;
  try {
    const target = (JSON.parse(result.stdout) as { target?: unknown }).target;
    return typeof target === 'string' ? target : undefined;
  } catch {
    return undefined;
  }
}

async function mustRun(run: Run, command: string): Promise<ExecResult> {
  const result = await run(command);
  if (result.rc !== 0) throw new LxcError(command, result.rc, result.stderr.trim() || result.stdout.trim());
  return result;
}

/** The whole decision, on any `run` (a module context's exec, or a pooled connection in `bundle push --import`). */
export async function ensureLxdImage(run: Run, rawArgs: LxdImageArgs, check: boolean): Promise<LxdImageOutcome> {
  const args = await resolveFromManifest(run, rawArgs);
  const actions: string[] = [];
  const act = async (command: string, description: string): Promise<ExecResult | undefined> => {
    actions.push(description);
    return check ? undefined : mustRun(run, command);
  };
  let fingerprint = args.fingerprint ?? (args.alias !== undefined ? await aliasTarget(run, args.alias) : undefined);

  if (args.state === 'absent') {
    if (fingerprint === undefined || (await run(lxdImageCommands.info(fingerprint))).rc !== 0) return { changed: false, msg: 'image absent', actions };
    await act(lxdImageCommands.delete(fingerprint), `deleted image ${fingerprint}`);
    return { changed: true, msg: `image ${fingerprint} deleted`, fingerprint, actions };
  }

  if (fingerprint !== undefined && (await run(lxdImageCommands.info(fingerprint))).rc === 0) {
    if (args.alias !== undefined) {
      const target = await aliasTarget(run, args.alias);
      if (target !== fingerprint) {
        if (target !== undefined) await act(lxdImageCommands.aliasDelete(args.alias), `moved alias ${args.alias} from ${target}`);
        await act(lxdImageCommands.aliasCreate(args.alias, fingerprint), `alias ${args.alias} -> ${fingerprint}`);
      }
    }
    if (args.file !== undefined && !args.keep_file && (await run(sh`test -e ${args.file}`)).rc === 0) {
      await act(lxdImageCommands.removeFile(args.file), `removed ${args.file}`);
    }
    return { changed: actions.length > 0, msg: `image ${fingerprint} already in LXD`, fingerprint, actions };
  }

  if (args.file === undefined) throw new LxdImageError(`image ${fingerprint ?? args.alias ?? ''} is not in LXD and no 'file' (or 'manifest' + 'component') was given to import`);
  const expectedSha = args.sha256 ?? fingerprint;
  const sum = await run(lxdImageCommands.sha256(args.file));
  if (sum.rc !== 0) return { changed: false, failed: true, msg: `cannot read ${args.file} on the host: ${sum.stderr.trim()}`, actions };
  const actual = /^([0-9a-f]{64})/.exec(sum.stdout.trim())?.[1];
  if (expectedSha !== undefined && actual !== expectedSha) {
    return { changed: false, failed: true, msg: `refusing to import ${args.file}: sha256 on the host is ${actual ?? '(none)'}, expected ${expectedSha} (file corrupted or replaced after upload)`, actions };
  }
  if (args.alias !== undefined && (await aliasTarget(run, args.alias)) !== undefined) {
    await act(lxdImageCommands.aliasDelete(args.alias), `moved alias ${args.alias} to the new image`);
  }
  const imported = await act(lxdImageCommands.import(args.file, args.alias), `imported ${args.file}${args.alias ? ` as ${args.alias}` : ''}`);
  if (imported) {
    const reported = parseImportedFingerprint(imported.stdout) ?? (args.alias !== undefined ? await aliasTarget(run, args.alias) : undefined);
    if (fingerprint !== undefined && reported !== fingerprint) {
      if (reported !== undefined) await run(lxdImageCommands.delete(reported));
      return { changed: true, failed: true, msg: `LXD reports fingerprint ${reported ?? '(none)'} for ${args.file}, manifest expects ${fingerprint}; imported image deleted again`, actions };
    }
    fingerprint = reported;
  }
  if (!args.keep_file) await act(lxdImageCommands.removeFile(args.file), `removed ${args.file}`);
  return { changed: true, msg: `${check ? 'would import' : 'imported'} ${args.file} (${fingerprint ?? 'fingerprint unknown'})`, ...(fingerprint ? { fingerprint } : {}), actions };
}
