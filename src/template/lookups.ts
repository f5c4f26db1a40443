// The lookup plugins behind Ansible's `with_<lookup>` loops (and query('<name>', ...)): dict, together, nested,
// subelements, sequence, fileglob, first_found, indexed_items, random_choice (pipe and lines, which run commands on
// the controller: lookups-controller.ts). Each takes the already templated terms, as Ansible's do, and returns the
// loop's list. Controller files are searched where Ansible searches: role files/, playbook files/, the
// playbook directory.
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fnmatchRegExp } from '../util/fnmatch.js';
import { isMapping, pyTypeName } from './python-values.js';

/** Where a relative controller path is looked for: what Ansible's find_file_in_search_path walks for 'files'. */
export interface SearchPlaces {
  rolePath: string | undefined;
  playbookDir: string | undefined;
}

export function searchDirs(places: SearchPlaces): string[] {
  const dirs: string[] = [];
  if (places.rolePath !== undefined) dirs.push(join(places.rolePath, 'files'), places.rolePath);
  if (places.playbookDir !== undefined) dirs.push(join(places.playbookDir, 'files'), places.playbookDir);
  dirs.push(process.cwd());
  return dirs;
}

/** LookupBase._flatten: nested lists become one flat list. */
function flatten(items: unknown[]): unknown[] {
  return items.flatMap((item) => (Array.isArray(item) ? flatten(item) : [item]));
}

function listTerm(term: unknown, plugin: string): unknown[] {
  if (!Array.isArray(term)) throw new Error(`with_${plugin} expects a list of lists, got ${pyTypeName(term)} in it`);
  return term;
}

function dictLookup(terms: unknown[]): unknown[] {
  return terms.flatMap((term) => {
    if (!isMapping(term)) throw new Error(`with_dict expects a dict, got ${pyTypeName(term)}`);
    return Object.entries(term).map(([key, value]) => ({ key, value }));
  });
}

/** zip_longest with None for the shorter lists, each tuple flattened. */
function togetherLookup(terms: unknown[]): unknown[] {
  if (terms.length === 0) throw new Error('with_together requires at least one element in each list');
  const lists = terms.map((term) => listTerm(term, 'together'));
  const length = Math.max(...lists.map((list) => list.length));
  return Array.from({ length }, (_, index) => flatten(lists.map((list) => (index < list.length ? list[index] : null))));
}

/** The cartesian product, first list outermost, each combination flattened. */
function nestedLookup(terms: unknown[]): unknown[] {
  if (terms.length === 0) throw new Error('with_nested requires at least one element in the nested list');
  const lists = terms.map((term) => listTerm(term, 'nested'));
  let combined: unknown[][] = (lists[0] as unknown[]).map((item) => [item]);
  for (const list of lists.slice(1)) combined = combined.flatMap((left) => list.map((right) => [...left, right]));
  return combined.map(flatten);
}

function subelementsLookup(terms: unknown[]): unknown[] {
  const [source, key, flags] = terms;
  if (terms.length < 2 || terms.length > 3 || typeof key !== 'string') {
    throw new Error('with_subelements: give a list (or dict) of items, the name of their subelement list and optionally {skip_missing: true}');
  }
  const skipMissing = isMapping(flags) && flags['skip_missing'] === true;
  const items = Array.isArray(source) ? source : isMapping(source) ? Object.values(source) : undefined;
  if (items === undefined) throw new Error(`with_subelements: the first term must be a list or a dict, got ${pyTypeName(source)}`);
  const path = key.split('.');
  return items.flatMap((original) => {
    if (isMapping(original) && original['skipped'] === true) return [];
    // Ansible pops the subelement list out of the item it yields: item.0 is the item without it
    const item: unknown = structuredClone(original);
    let parent: unknown = item;
    for (const [index, part] of path.entries()) {
      if (!isMapping(parent) || !(part in parent)) {
        if (skipMissing) return [];
        throw new Error(`could not find '${part}' key in iterated item '${JSON.stringify(original)}'`);
      }
      const value = parent[part];
      if (index < path.length - 1) {
        if (!isMapping(value)) throw new Error(`the key ${part} should point to a dictionary, got '${JSON.stringify(value)}'`);
        parent = value;
        continue;
      }
      if (!Array.isArray(value)) throw new Error(`the key ${key} should point to a list, got '${JSON.stringify(value)}'`);
      delete parent[part];
      return value.map((sub) => [item, sub]);
    }
    return [];
  });
}

/** Python's `%` for the formats with_sequence allows: %d %i %x %X %o %s with flags and width. */
function formatNumber(format: string, n: number): string {
  let used = false;
  const text = format.replace(/%([-0+ ]*)(\d*)([diouxXs%])/g, (_all, flags: string, width: string, conv: string) => {
    if (conv === '%') return '%';
    used = true;
    const negative = n < 0;
    const abs = Math.abs(n);
    let digits = conv === 'x' ? abs.toString(16) : conv === 'X' ? abs.toString(16).toUpperCase() : conv === 'o' ? abs.toString(8) : String(abs);
    const sign = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const size = width === '' ? 0 : Number(width);
    if (flags.includes('-')) return (sign + digits).padEnd(size);
    if (flags.includes('0')) digits = digits.padStart(size - sign.length, '0');
    return (sign + digits).padStart(size);
  });
  if (!used) throw new Error(`with_sequence: bad formatting string: ${format}`);
  return text;
}

const SHORTCUT = /^(?:(0[xX][0-9a-fA-F]+|0[0-7]*|-?\d+)-)?(0[xX][0-9a-fA-F]+|0[0-7]*|-?\d+)(?:\/(-?\d+))?(?::(.+))?$/;

function integer(text: string, what: string): number {
  const trimmed = text.trim();
  const value = /^0[xX]/.test(trimmed) ? parseInt(trimmed, 16) : /^0[0-7]+$/.test(trimmed) ? parseInt(trimmed, 8) : Number(trimmed);
  if (!Number.isInteger(value)) throw new Error(`with_sequence: can't parse ${what}=${text} as integer`);
  return value;
}

/** One with_sequence term: `start=1 end=10 stride=2 format=host%02d`, `count=3`, or the shortcut `1-10/2:host%02d`. */
export function sequenceTerm(term: string): string[] {
  let start = 1;
  let end: number | undefined;
  let count: number | undefined;
  let stride = 1;
  let format = '%d';
  const shortcut = term.includes('=') ? null : SHORTCUT.exec(term.trim());
  if (shortcut) {
    if (shortcut[1] !== undefined) start = integer(shortcut[1], 'start');
    end = integer(shortcut[2] as string, 'end');
    if (shortcut[3] !== undefined) stride = integer(shortcut[3], 'stride');
    if (shortcut[4] !== undefined) format = shortcut[4];
  } else {
    for (const pair of term.trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq < 0) throw new Error(`with_sequence: can't parse arg ${pair} (expected key=value)`);
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (key === 'start') start = integer(value, key);
      else if (key === 'end') end = integer(value, key);
      else if (key === 'count') count = integer(value, key);
      else if (key === 'stride') stride = integer(value, key);
      else if (key === 'format') format = value;
      else throw new Error(`with_sequence: unrecognized arguments to with_sequence: ${key}`);
    }
  }
  if (count !== undefined && end !== undefined) throw new Error("with_sequence: can't specify both count and end in with_sequence");
  if (count === undefined && end === undefined) throw new Error('with_sequence: must specify count or end in with_sequence');
  if (count !== undefined) {
    if (count === 0) return [];
    end = start + (count - 1) * stride;
  }
  const last = end as number;
  if (stride > 0 && last < start) throw new Error('with_sequence: to count backwards make stride negative');
  if (stride < 0 && last > start) throw new Error('with_sequence: to count forward don\'t make stride negative');
  if (stride === 0) return [];
  const out: string[] = [];
  for (let n = start; stride > 0 ? n <= last : n >= last; n += stride) out.push(formatNumber(format, n));
  return out;
}

function fileglobLookup(terms: unknown[], places: SearchPlaces): string[] {
  return terms.flatMap((term) => {
    const pattern = String(term);
    const dirPart = dirname(pattern);
    const dirs = isAbsolute(pattern) ? [dirPart] : searchDirs(places).map((dir) => join(dir, dirPart));
    const dir = dirs.find((candidate) => existsSync(candidate) && statSync(candidate).isDirectory());
    if (dir === undefined) return [];
    const matcher = fnmatchRegExp(basename(pattern));
    // glob's order is the directory's; sorted here so that a run is repeatable
    return readdirSync(dir).filter((name) => matcher.test(name) && !name.startsWith('.')).sort()
      .map((name) => join(dir, name)).filter((path) => statSync(path).isFile());
  });
}

function firstFoundLookup(terms: unknown[], places: SearchPlaces): string[] {
  let skip = false;
  const candidates: string[] = [];
  for (const term of terms.flat()) {
    if (isMapping(term)) {
      const files = [term['files'] ?? []].flat().flatMap((f) => String(f).split(/[,;]/));
      const paths = [term['paths'] ?? []].flat().flatMap((p) => String(p).split(/[,;:]/));
      skip ||= term['skip'] === true;
      for (const file of files) {
        if (paths.length === 0) candidates.push(file);
        for (const path of paths) candidates.push(join(path, file));
      }
    } else candidates.push(String(term));
  }
  for (const candidate of candidates) {
    const found = (isAbsolute(candidate) ? [candidate] : searchDirs(places).map((dir) => join(dir, candidate)))
      .find((path) => existsSync(path));
    if (found !== undefined) return [found];
  }
  if (skip) return [];
  throw new Error('No file was found when using first_found.');
}

/** [index, item] pairs of the flattened terms, as Ansible's indexed_items. */
function indexedItemsLookup(terms: unknown[]): unknown[] {
  return flatten(terms).map((item, index) => [index, item]);
}

/** One of the terms at random (none when there are none), as Ansible's random_choice. */
function randomChoiceLookup(terms: unknown[]): unknown[] {
  return terms.length === 0 ? [] : [terms[randomInt(terms.length)]];
}

/**
 * Ansible's lines: each term is a shell command run on the controller (in the playbook's directory); its output's
 * lines are the list. The caller must make sure no term came from host data: that would run a host's words here.
 */
/** The loop list of lookup `plugin` for `terms`, or undefined when it is not one of these plugins. */
export function loopLookup(plugin: string, terms: unknown[], places: SearchPlaces): unknown[] | undefined {
  switch (plugin.replace(/^ansible\.builtin\./, '')) {
    case 'dict': return dictLookup(terms);
    case 'together': return togetherLookup(terms);
    case 'nested': return nestedLookup(terms);
    case 'subelements': return subelementsLookup(terms);
    case 'sequence': return terms.flatMap((term) => sequenceTerm(String(term)));
    case 'fileglob': return fileglobLookup(terms, places);
    case 'first_found': return firstFoundLookup(terms, places);
    case 'indexed_items': return indexedItemsLookup(terms);
    case 'random_choice': return randomChoiceLookup(terms);
    default: return undefined;
  }
}
