// find: the files (or directories, links, anything) under `paths` whose names match shell patterns or Python
// regexps, filtered by age, size, hidden-ness, depth and content, as Ansible's find: {files, matched, examined, msg,
// skipped_paths}. ONE exec lists every entry with its lstat data (GNU find -printf, NUL-separated so that any name
// survives); the filtering is Ansible's, done here by pure functions. `contains` and `get_checksum` cost one exec more
// each, on the candidates only (GNU grep -P for the Python regexp; sha1sum).
import { PythonRegexError, pythonRegExp } from '../util/python-re.js';
import { joinCommand, sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalNumber, optionalString } from './lib/common.js';
import { fnmatch } from '../util/fnmatch.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';

export type FindFileType = 'any' | 'directory' | 'file' | 'link';
export type AgeStamp = 'atime' | 'ctime' | 'mtime';

export interface FindSpec {
  paths: string[];
  patterns: string[];
  excludes: string[];
  useRegex: boolean;
  fileType: FindFileType;
  recurse: boolean;
  hidden: boolean;
  follow: boolean;
  /** 0: no limit (Ansible ignores a falsy depth) */
  depth: number;
  /** seconds; negative: younger than */
  age?: number;
  ageStamp: AgeStamp;
  /** bytes; negative: smaller than */
  size?: number;
  contains?: string;
  readWholeFile: boolean;
  getChecksum: boolean;
}

/** One entry as find printed it. */
export interface FoundEntry {
  path: string;
  /** depth below the searched path (1 = directly in it) */
  depth: number;
  /** find's %y: f d l s p c b */
  kind: string;
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
}

export interface FindListing {
  /** the host's clock when it listed, seconds */
  now: number;
  /** entries by index of the searched path */
  entries: FoundEntry[][];
  /** paths that are not directories or could not be read, with why */
  skipped: Record<string, string>;
}

const ENTRY_FORMAT = 'F\\t%d\\t%y\\t%m\\t%U\\t%G\\t%u\\t%g\\t%s\\t%i\\t%D\\t%n\\t%A@\\t%T@\\t%C@\\t%p\\0';

/** A path as a shell word, with a leading ~ expanded on the host as Python's expanduser does. */
function hostPathWord(path: string): string {
  if (path === '~') return '"$HOME"';
  if (path.startsWith('~/')) return `"$HOME"${sh`${path.slice(1)}`}`;
  return sh`${path}`;
}

/** How deep find lists: one level more than `depth`, because Ansible counts the entries of the last level as examined. */
export function listingDepth(spec: Pick<FindSpec, 'recurse' | 'depth'>): number | undefined {
  if (!spec.recurse) return 1;
  return spec.depth > 0 ? spec.depth + 1 : undefined;
}

export function findListCommand(spec: Pick<FindSpec, 'paths' | 'recurse' | 'depth' | 'follow'>): string {
  const maxDepth = listingDepth(spec);
  const parts = [`printf 'N\\t%s\\0' "$(date +%s.%N)"`];
  spec.paths.forEach((path, index) => {
    const word = hostPathWord(path);
    const find = `find ${spec.follow ? '-L ' : ''}${word} -mindepth 1${maxDepth === undefined ? '' : ` -maxdepth ${maxDepth}`} -printf '${ENTRY_FORMAT}'`;
    parts.push(
      `printf 'P\\t${index}\\0'`,
      `if [ -d ${word} ]; then ${find} 2>/dev/null || printf 'E\\t%s\\0' 'could not read every entry'; else printf 'E\\t%s\\0' 'is not a directory'; fi`,
    );
  });
  return parts.join('; ');
}

/** Python's os.path.normpath for the absolute and relative paths find prints. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !absolute) out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

export function parseFindListing(paths: readonly string[], stdout: string): FindListing {
  const listing: FindListing = { now: 0, entries: paths.map(() => []), skipped: {} };
  let current = -1;
  for (const record of stdout.split('\0')) {
    const fields = record.split('\t');
    const tag = fields[0];
    if (tag === 'N') listing.now = Number(fields[1]);
    else if (tag === 'P') current = Number(fields[1]);
    else if (tag === 'E') {
      const path = paths[current] ?? '';
      listing.skipped[path] = fields[1] === 'is not a directory' ? `'${path}' is not a directory` : fields.slice(1).join('\t');
    } else if (tag === 'F' && fields.length >= 16) {
      const [, depth, kind = '', mode = '', uid, gid, owner = '', group = '', size, inode, dev, nlink, atime, mtime, ctime] = fields;
      listing.entries[current]?.push({
        path: normalizePath(fields.slice(15).join('\t')),
        depth: Number(depth),
        kind,
        mode: parseInt(mode, 8),
        uid: Number(uid),
        gid: Number(gid),
        // find prints the number when the id has no name; Python's pwd lookup then gives ''
        owner: owner === uid ? '' : owner,
        group: group === gid ? '' : group,
        size: Number(size),
        inode: Number(inode),
        dev: Number(dev),
        nlink: Number(nlink),
        atime: Number(atime),
        mtime: Number(mtime),
        ctime: Number(ctime),
      });
    }
  }
  return listing;
}

function compileAll(patterns: readonly string[], argument: string): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return pythonRegExp(pattern);
    } catch (error) {
      throw new ModuleArgError('find', `'${argument}' has an invalid regular expression ${JSON.stringify(pattern)}: ${error instanceof PythonRegexError ? error.message : String(error)}`);
    }
  });
}

/** Ansible's pfilter: a name matches when a pattern matches it and no exclude does (re.match anchors at the start only). */
export function nameMatcher(spec: Pick<FindSpec, 'patterns' | 'excludes' | 'useRegex'>): (name: string) => boolean {
  if (spec.useRegex) {
    const patterns = compileAll(spec.patterns, 'patterns').map((regexp) => new RegExp(`^(?:${regexp.source})`, regexp.flags));
    const excludes = compileAll(spec.excludes, 'excludes').map((regexp) => new RegExp(`^(?:${regexp.source})`, regexp.flags));
    return (name) => patterns.some((regexp) => regexp.test(name)) && !excludes.some((regexp) => regexp.test(name));
  }
  return (name) => spec.patterns.some((pattern) => fnmatch(name, pattern)) && !spec.excludes.some((pattern) => fnmatch(name, pattern));
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The entries Ansible would report, before `contains` (which needs the files' content). */
export function selectEntries(spec: FindSpec, listing: FindListing): FoundEntry[] {
  const matches = nameMatcher(spec);
  const ageOk = (entry: FoundEntry): boolean => {
    if (spec.age === undefined) return true;
    const elapsed = listing.now - entry[spec.ageStamp];
    return spec.age >= 0 ? elapsed >= spec.age : elapsed <= -spec.age;
  };
  const sizeOk = (entry: FoundEntry): boolean => spec.size === undefined || (spec.size >= 0 ? entry.size >= spec.size : entry.size <= -spec.size);
  const wanted = (entry: FoundEntry): boolean => {
    if (spec.fileType === 'any') return entry.kind !== 'f' || sizeOk(entry);
    if (spec.fileType === 'directory') return entry.kind === 'd';
    if (spec.fileType === 'link') return entry.kind === 'l';
    return entry.kind === 'f' && sizeOk(entry);
  };
  const deepest = spec.recurse && spec.depth > 0 ? spec.depth : spec.recurse ? Infinity : 1;
  return listing.entries.flat().filter((entry) => {
    const name = basename(entry.path);
    if (entry.depth > deepest) return false;
    if (name.startsWith('.') && !spec.hidden) return false;
    return wanted(entry) && matches(name) && ageOk(entry);
  });
}

/** Entries Ansible examined: every one listed in the directories it walked. */
export function examinedCount(listing: FindListing): number {
  return listing.entries.reduce((sum, entries) => sum + entries.length, 0);
}

/** grep -P for Python's `contains`: re.match on each line (anchored at its start), or re.search on the whole file. */
export function containsCommand(pattern: string, readWholeFile: boolean, files: readonly string[]): string {
  const flags = readWholeFile ? '-lzZP' : '-lZP';
  const expression = readWholeFile ? pattern : `^(?:${pattern})`;
  return `grep ${flags} ${sh`-e ${expression}`} -- ${joinCommand(files)}; [ $? -le 1 ]`;
}

export function checksumCommand(files: readonly string[]): string {
  return `sha1sum -z -- ${joinCommand(files)}`;
}

/** sha1sum -z prints "<hex>  <path>\0" per file. */
export function parseChecksums(stdout: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const record of stdout.split('\0')) {
    const match = /^([0-9a-f]{40}) [ *](.*)$/s.exec(record);
    if (match?.[1] !== undefined && match[2] !== undefined) sums.set(match[2], match[1]);
  }
  return sums;
}

/** Ansible's statinfo() dictionary. */
export function entryInfo(entry: FoundEntry): Record<string, unknown> {
  const mode = entry.mode;
  return {
    path: entry.path,
    mode: (mode & 0o7777).toString(8).padStart(4, '0'),
    isdir: entry.kind === 'd',
    ischr: entry.kind === 'c',
    isblk: entry.kind === 'b',
    isreg: entry.kind === 'f',
    isfifo: entry.kind === 'p',
    islnk: entry.kind === 'l',
    issock: entry.kind === 's',
    uid: entry.uid,
    gid: entry.gid,
    size: entry.size,
    inode: entry.inode,
    dev: entry.dev,
    nlink: entry.nlink,
    atime: entry.atime,
    mtime: entry.mtime,
    ctime: entry.ctime,
    gr_name: entry.group,
    pw_name: entry.owner,
    wusr: (mode & 0o200) !== 0,
    rusr: (mode & 0o400) !== 0,
    xusr: (mode & 0o100) !== 0,
    wgrp: (mode & 0o20) !== 0,
    rgrp: (mode & 0o40) !== 0,
    xgrp: (mode & 0o10) !== 0,
    woth: (mode & 0o2) !== 0,
    roth: (mode & 0o4) !== 0,
    xoth: (mode & 0o1) !== 0,
    isuid: (mode & 0o4000) !== 0,
    isgid: (mode & 0o2000) !== 0,
  };
}

/** Ansible's list arguments: a YAML list, or one string split on commas. */
function stringList(args: Record<string, unknown>, names: readonly string[]): string[] | undefined {
  for (const name of names) {
    const value = args[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.map(String);
    throw new ModuleArgError('find', `'${name}' must be a list of strings`);
  }
  return undefined;
}

/** "-3d", "2w", "30": seconds (age) or bytes (size), as Ansible parses them. */
export function parseQuantity(argument: 'age' | 'size', text: string): number {
  const units: Record<string, number> = argument === 'age'
    ? { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }
    : { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  const match = new RegExp(`^(-?\\d+)([${Object.keys(units).join('')}])?$`).exec(text.toLowerCase());
  if (!match) throw new ModuleArgError('find', `failed to process ${argument}: ${JSON.stringify(text)}`);
  return Number(match[1]) * (units[match[2] ?? ''] ?? 1);
}

const FILE_TYPES: readonly FindFileType[] = ['any', 'directory', 'file', 'link'];
const AGE_STAMPS: readonly AgeStamp[] = ['atime', 'ctime', 'mtime'];

export function parseFindSpec(args: Record<string, unknown>): FindSpec {
  const paths = stringList(args, ['paths', 'path', 'name']);
  if (paths === undefined || paths.length === 0) throw new ModuleArgError('find', "'paths' is required");
  const useRegex = optionalBool('find', args, 'use_regex', false);
  const patterns = stringList(args, ['patterns', 'pattern']) ?? [];
  const fileType = (optionalString('find', args, 'file_type') ?? 'file') as FindFileType;
  if (!FILE_TYPES.includes(fileType)) throw new ModuleArgError('find', `'file_type' must be one of ${FILE_TYPES.join(', ')}, got ${fileType}`);
  const ageStamp = (optionalString('find', args, 'age_stamp') ?? 'mtime') as AgeStamp;
  if (!AGE_STAMPS.includes(ageStamp)) throw new ModuleArgError('find', `'age_stamp' must be one of ${AGE_STAMPS.join(', ')}, got ${ageStamp}`);
  const spec: FindSpec = {
    paths,
    patterns: patterns.length > 0 ? patterns : [useRegex ? '.*' : '*'],
    excludes: stringList(args, ['excludes', 'exclude']) ?? [],
    useRegex,
    fileType,
    recurse: optionalBool('find', args, 'recurse', false),
    hidden: optionalBool('find', args, 'hidden', false),
    follow: optionalBool('find', args, 'follow', false),
    depth: optionalNumber('find', args, 'depth', 0),
    ageStamp,
    readWholeFile: optionalBool('find', args, 'read_whole_file', false),
    getChecksum: optionalBool('find', args, 'get_checksum', false),
  };
  const age = optionalString('find', args, 'age');
  const size = optionalString('find', args, 'size');
  const contains = optionalString('find', args, 'contains');
  if (age !== undefined) spec.age = parseQuantity('age', age);
  if (size !== undefined) spec.size = parseQuantity('size', size);
  if (contains !== undefined) spec.contains = contains;
  return spec;
}

async function keepContaining(ctx: ModuleContext, spec: FindSpec, entries: FoundEntry[]): Promise<FoundEntry[]> {
  const files = entries.filter((entry) => entry.kind === 'f');
  if (spec.contains === undefined || files.length === 0) return spec.contains === undefined ? entries : files;
  const result = await exec(ctx, containsCommand(spec.contains, spec.readWholeFile, files.map((entry) => entry.path)));
  if (result.rc !== 0) throw new ModuleArgError('find', `'contains' could not be searched for: ${result.stderr.trim()}`);
  const containing = new Set(result.stdout.split('\0').filter((path) => path !== ''));
  return files.filter((entry) => containing.has(entry.path));
}

export const findFilesModule: ModuleDefinition = {
  name: 'find',
  argsSchema: {
    type: 'object',
    properties: {
      paths: { type: ['array', 'string'] },
      path: { type: ['array', 'string'] },
      name: { type: ['array', 'string'] },
      patterns: { type: ['array', 'string'] },
      pattern: { type: ['array', 'string'] },
      excludes: { type: ['array', 'string'] },
      exclude: { type: ['array', 'string'] },
      contains: { type: 'string' },
      read_whole_file: { type: ['boolean', 'string'] },
      file_type: { enum: FILE_TYPES },
      age: { type: ['string', 'integer'] },
      age_stamp: { enum: AGE_STAMPS },
      size: { type: ['string', 'integer'] },
      recurse: { type: ['boolean', 'string'] },
      hidden: { type: ['boolean', 'string'] },
      follow: { type: ['boolean', 'string'] },
      get_checksum: { type: ['boolean', 'string'] },
      use_regex: { type: ['boolean', 'string'] },
      depth: { type: ['integer', 'string'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const spec = parseFindSpec(args);
      const listed = await exec(ctx, findListCommand(spec));
      if (listed.rc !== 0) return { changed: false, failed: true, rc: listed.rc, msg: `find: listing failed (rc ${listed.rc}): ${listed.stderr.trim()}` };
      const listing = parseFindListing(spec.paths, listed.stdout);
      // contains only applies to file_type=file, as in Ansible
      const selected = selectEntries(spec, listing);
      const entries = spec.fileType === 'file' ? await keepContaining(ctx, spec, selected) : selected;
      const files = entries.map(entryInfo);
      const checksummed = entries.filter((entry) => entry.kind === 'f').map((entry) => entry.path);
      if (spec.getChecksum && checksummed.length > 0) {
        const summed = await exec(ctx, checksumCommand(checksummed));
        const sums = parseChecksums(summed.stdout);
        for (const file of files) {
          const sum = sums.get(String(file['path']));
          if (sum !== undefined) file['checksum'] = sum;
        }
      }
      const complete = Object.keys(listing.skipped).length === 0;
      return {
        changed: false,
        msg: complete ? 'All paths examined' : 'Not all paths examined, check warnings for details',
        // Ansible's module.warn() text for each path it could not walk
        warnings: Object.entries(listing.skipped).map(([path, reason]) => `Skipped '${path}' path due to this access issue: ${reason}\n`),
        data: { files, matched: files.length, examined: examinedCount(listing), skipped_paths: listing.skipped },
      };
    }),
};
