// known_hosts decisions as Ansible's known_hosts module makes them, over what `ssh-keygen -F` printed and the
// file's text: pure functions, so the unit tests can assert them. Host keys and file lines are data.
import { createHmac, randomBytes } from 'node:crypto';

export interface HostKey {
  options?: string;
  host: string;
  type: string;
  key: string;
}

/** Ansible's normalize_known_hosts_key: [@marker] host type key, anything after (a comment) dropped. */
export function normalizeHostKey(line: string): HostKey | undefined {
  const words = line.trim().split(/\s+/);
  const marked = (words[0] ?? '').startsWith('@');
  const [options, host, type, key] = marked ? words : [undefined, ...words];
  if (host === undefined || type === undefined || key === undefined) return undefined;
  return { ...(options === undefined ? {} : { options }), host, type, key };
}

function sameHostKey(a: HostKey, b: HostKey): boolean {
  return a.options === b.options && a.host === b.host && a.type === b.type && a.key === b.key;
}

export interface HostKeySearch {
  found: boolean;
  /** the file holds a different key of the same type (or the host with another type) */
  replaceOrAdd: boolean;
  /** 1-based line of the entry of the same type, when there is one */
  foundLine?: number;
}

/** search_for_host_key over `ssh-keygen -F` output (when the file exists and the host is in it). */
export function searchOutput(stdout: string, key: string | undefined): HostKeySearch {
  if (key === undefined) return { found: true, replaceOrAdd: false };
  const wanted = normalizeHostKey(key);
  let foundLine: number | undefined;
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const match = /found: line (\d+)/.exec(line);
      if (match) foundLine = Number(match[1]);
      continue;
    }
    const found = normalizeHostKey(line);
    if (!wanted || !found) continue;
    // a hashed host is compared as the file hashed it (its salt is the file's)
    const candidate = wanted.host.startsWith('|1|') && found.host.startsWith('|1|') ? { ...wanted, host: found.host } : wanted;
    if (sameHostKey(candidate, found)) return { found: true, replaceOrAdd: false, ...(foundLine === undefined ? {} : { foundLine }) };
    if (candidate.type === found.type) return { found: true, replaceOrAdd: true, ...(foundLine === undefined ? {} : { foundLine }) };
  }
  return { found: true, replaceOrAdd: true };
}

/** hash_host: the host field becomes |1|salt|HMAC-SHA1(salt, host), as ssh-keygen -H writes it. */
export function hashHostKey(host: string, key: string, salt: Buffer = randomBytes(20)): string {
  const words = key.trim().split(/\s+/);
  const index = (words[0] ?? '').startsWith('@') ? 1 : 0;
  words[index] = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(host).digest('base64')}`;
  return words.join(' ');
}

/** The file after the change (also Ansible's diff 'after'): the entry at foundLine dropped when replaced or absent, the key appended when present. */
export function knownHostsAfter(before: string, search: HostKeySearch, state: 'present' | 'absent', key: string | undefined): string {
  const lines: string[] = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  if ((search.replaceOrAdd || state === 'absent') && search.foundLine !== undefined && search.foundLine >= 1 && search.foundLine <= lines.length) {
    lines.splice(search.foundLine - 1, 1);
  }
  if (state === 'present' && key !== undefined && (search.replaceOrAdd || search.foundLine === undefined)) lines.push(key);
  return lines.join('');
}
