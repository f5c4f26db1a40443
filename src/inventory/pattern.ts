// Host patterns for plays' `hosts:` and --limit, as ansible's InventoryManager evaluates them: `all`, `*`, names,
// groups, `a:b` / `a,b` (union), `a:&b` (intersection), `a:!b` (exclusion), globs `web*`, regexes `~web\d+`,
// subscripts `g[0]`, `g[-1]`, `g[1:3]`, and (for --limit) `@file` with one pattern per line.
import { statSync } from 'node:fs';
import { readInputTextSync } from '../util/input-file.js';
import { resolve } from 'node:path';
import { InputError } from '../util/errors.js';
import { parseAddress } from './address.js';

/** What pattern evaluation needs from an inventory. */
export interface PatternTarget {
  readonly groups: ReadonlyMap<string, { hosts: string[] }>;
  /** host names in the order they were first defined */
  readonly definitionOrder: readonly string[];
  groupHosts(group: string): string[];
}

export interface Selection {
  hosts: string[];
  /** the single patterns that matched nothing (ansible: "Could not match supplied host pattern, ignoring: X") */
  unmatched: string[];
}

/** split_host_pattern: commas always separate; colons separate unless the whole text is one address or range. */
export function splitHostPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) {
    parts = pattern.split(',');
  } else if (parseAddress(pattern)) {
    parts = [pattern];
  } else {
    parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  }
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** order_patterns: plain patterns first, then `&` intersections, then `!` exclusions; only modifiers means `all` first. */
function orderPatterns(patterns: string[]): string[] {
  const regular = patterns.filter((p) => p[0] !== '!' && p[0] !== '&');
  const intersections = patterns.filter((p) => p[0] === '&');
  const exclusions = patterns.filter((p) => p[0] === '!');
  return [...(regular.length > 0 ? regular : ['all']), ...intersections, ...exclusions];
}

/** fnmatch.translate: shell glob to an anchored, case-sensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        out += '\\[';
      } else {
        let stuff = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (stuff.startsWith('!')) stuff = `^${stuff.slice(1)}`;
        else if (stuff.startsWith('^')) stuff = `\\${stuff}`;
        out += `[${stuff}]`;
        i = j;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

/** `~regex`: Python's re.match, anchored at the start only. Python's (?P<name>...) is accepted. */
function regexFor(pattern: string): RegExp {
  try {
    if (pattern.startsWith('~')) return new RegExp(`^(?:${pattern.slice(1).replace(/\(\?P</g, '(?<')})`, 'u');
    return globToRegExp(pattern);
  } catch (error) {
    throw new InputError(`invalid host pattern '${pattern}': ${(error as Error).message}`, undefined, { cause: error });
  }
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

function splitSubscript(pattern: string): { expr: string; start?: number; end?: number } {
  if (pattern.startsWith('~')) return { expr: pattern };
  const m = SUBSCRIPT.exec(pattern);
  if (!m) return { expr: pattern };
  if (m[2] !== undefined) return { expr: m[1] as string, start: Number(m[2]) };
  // [x-y] is ansible's removed spelling of [x:y]; ansible still applies it (with a warning), so do we
  return { expr: m[1] as string, start: Number(m[3]), end: m[5] === '' ? -1 : Number(m[5]) };
}

/** _apply_subscript with Python's list indexing and slicing. */
function applySubscript(hosts: string[], pattern: string, start: number | undefined, end: number | undefined): string[] {
  if (hosts.length === 0 || start === undefined) return hosts;
  if (end) {
    const last = end === -1 ? hosts.length - 1 : end;
    return hosts.slice(start, last + 1);
  }
  const index = start < 0 ? hosts.length + start : start;
  const host = hosts[index];
  if (host === undefined || index < 0) throw new InputError(`no hosts matched the subscripted pattern '${pattern}' (it has ${hosts.length} hosts)`);
  return [host];
}

/** _enumerate_matches: groups whose name matches contribute all their hosts; host names match too when it is a glob/regex or no group matched. */
function enumerateMatches(target: PatternTarget, pattern: string): { hosts: string[]; matchedGroup: boolean } {
  const re = regexFor(pattern);
  const results: string[] = [];
  const groups = [...target.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) results.push(...target.groupHosts(g));
  if (groups.length === 0 || pattern.startsWith('~') || /[.?*[]/.test(pattern)) {
    results.push(...target.definitionOrder.filter((h) => re.test(h)));
  }
  return { hosts: results, matchedGroup: groups.length > 0 };
}

export function selectHosts(target: PatternTarget, pattern: string, options: { cwd?: string } = {}): Selection {
  return evaluatePatterns(target, expandFilePatterns(splitHostPattern(pattern), options.cwd ?? process.cwd()));
}

/** `@file` entries: one pattern per line (ansible allows this in --limit; we allow it anywhere). */
function expandFilePatterns(patterns: string[], cwd: string): string[] {
  return patterns.flatMap((p) => {
    if (!p.startsWith('@')) return [p];
    const path = resolve(cwd, p.slice(1));
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new InputError(`unable to find limit file ${path}`);
    }
    if (isDirectory) throw new InputError(`limit starting with "@" must be a file, not a directory: ${path}`);
    // a FIFO, a device, a file over the size limit: refused by the reader
    return readInputTextSync(path, { what: 'limit file' }).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  });
}

function evaluatePatterns(target: PatternTarget, patterns: string[]): Selection {
  const hostNames = new Set(target.definitionOrder);
  let hosts: string[] = [];
  const unmatched: string[] = [];
  for (const p of orderPatterns(patterns)) {
    if (hostNames.has(p)) {
      hosts.push(p);
      continue;
    }
    const bare = p[0] === '&' || p[0] === '!' ? p.slice(1) : p;
    const { expr, start, end } = splitSubscript(bare);
    const matches = enumerateMatches(target, expr);
    if (matches.hosts.length === 0 && !matches.matchedGroup && expr !== 'all') unmatched.push(bare);
    const that = applySubscript(matches.hosts, bare, start, end);
    if (p[0] === '!') {
      const excluded = new Set(that);
      hosts = hosts.filter((h) => !excluded.has(h));
    } else if (p[0] === '&') {
      const kept = new Set(that);
      hosts = hosts.filter((h) => kept.has(h));
    } else {
      const existing = new Set(hosts);
      hosts.push(...that.filter((h) => !existing.has(h)));
    }
  }
  return { hosts: [...new Set(hosts)], unmatched };
}

/** Ansible's warning text for patterns that matched nothing. */
export function unmatchedPatternMessage(pattern: string): string {
  return `Could not match supplied host pattern, ignoring: ${pattern}`;
}

/**
 * Apply --limit to hosts already selected by a play (ansible's subset): keeps `hosts`' order. A limit that matches
 * no host at all is an error (ansible would go on and do nothing, which hides typos in the limit).
 */
export function applyLimit(target: PatternTarget, hosts: string[], limit: string | undefined, options: { cwd?: string } = {}): string[] {
  if (limit === undefined || limit.trim() === '') return hosts;
  const selection = selectHosts(target, limit, options);
  if (selection.hosts.length === 0) {
    const which = selection.unmatched.length > 0 ? selection.unmatched.join(', ') : limit;
    throw new InputError(`--limit '${limit}' matches no host in the inventory (no host or group named ${which})`);
  }
  const allowed = new Set(selection.hosts);
  return hosts.filter((h) => allowed.has(h));
}

/**
 * The hosts a play runs on: its `hosts:` pattern, narrowed by --limit. Parts of the play's pattern that match
 * nothing come back as ansible's warnings; a --limit that matches nothing throws (see applyLimit).
 */
export function selectPlayHosts(target: PatternTarget, hostsPattern: string, limit?: string, options: { cwd?: string } = {}): { hosts: string[]; warnings: string[] } {
  const selection = selectHosts(target, hostsPattern, options);
  return { hosts: applyLimit(target, selection.hosts, limit, options), warnings: selection.unmatched.map(unmatchedPatternMessage) };
}
