// The OpenSSH known_hosts format, pure functions only: parsing lines, matching host names (plain, wildcard,
// negated and HMAC-SHA1 hashed `|1|salt|hash` entries), fingerprints as `ssh-keygen -l` prints them, and deciding
// whether a presented key is trusted, unknown, changed or revoked.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface KnownHostEntry {
  file: string;
  /** 1-based line number in `file` */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** the host field as written: comma-separated patterns, or one `|1|salt|hash` */
  hosts: string;
  /** key type read from the key blob itself (a recorded `ssh-rsa` blob covers rsa-sha2-256/512 too) */
  keyType: string;
  key: Buffer;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** The first string of an SSH wire-format public key blob is its type. */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) throw new Error('public key blob too short');
  const length = blob.readUInt32BE(0);
  if (length <= 0 || length > 64 || 4 + length > blob.length) throw new Error('public key blob has no valid type');
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** `SHA256:<base64 without padding>`, exactly as `ssh-keygen -l` and the OpenSSH client print it. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** OpenSSH's short name for a key type, as in "ED25519 key fingerprint is ...". */
export function keyTypeLabel(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (keyType === 'ssh-rsa') return 'RSA';
  if (keyType === 'ssh-dss') return 'DSA';
  return keyType.toUpperCase();
}

/** `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as `ssh-keygen -H` and HashKnownHosts write it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const digest = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${digest}`;
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2] ?? '', 'base64');
  return hashHostName(name, salt) === field;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * A RegExp built per comparison was ~0.8% of a 100-host run's profile: plain names compare as strings, and wildcard
 * patterns are compiled once. (The store looks plain names up in a KnownHostsIndex and walks only the rest.)
 */
const compiledGlobs = new Map<string, RegExp>();

function patternMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern.toLowerCase() === name.toLowerCase();
  let glob = compiledGlobs.get(pattern);
  if (glob === undefined) {
    glob = globToRegExp(pattern);
    compiledGlobs.set(pattern, glob);
  }
  return glob.test(name);
}

/** OpenSSH match_hostname: any positive pattern matches and no negated (`!pattern`) one does. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const raw of field.split(',')) {
    if (raw === '') continue;
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!patternMatches(pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** Parse a known_hosts file. Lines that are not valid entries are ignored, as OpenSSH does. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    } else if (fields[0]?.startsWith('@')) {
      return;
    }
    const [hosts, , keyText] = fields;
    if (hosts === undefined || keyText === undefined) return;
    const key = Buffer.from(keyText, 'base64');
    let keyType: string;
    try {
      keyType = keyTypeOfBlob(key);
    } catch {
      return;
    }
    entries.push({ file, line: index + 1, hosts, keyType, key, ...(marker === undefined ? {} : { marker }) });
  });
  return entries;
}

/**
 * The entries of a known_hosts file arranged for lookups by name. A fleet run checks N hosts against a file of N
 * entries, and walking every entry per check made host-key checking quadratic in the fleet's size. Plain names are
 * found in a map; only what a map cannot answer is walked: hashed names (one HMAC per entry per name, as OpenSSH
 * does), wildcards, negations, and revoked keys (which count whatever name they are listed under).
 */
export class KnownHostsIndex {
  private readonly byName = new Map<string, number[]>();
  private readonly walked: number[] = [];

  constructor(readonly entries: readonly KnownHostEntry[]) {
    entries.forEach((entry, position) => {
      const patterns = entry.hosts.split(',').filter((pattern) => pattern !== '');
      const lookedUp = entry.marker !== 'revoked' && !entry.hosts.startsWith('|') && patterns.every((pattern) => !/[*?!]/.test(pattern));
      if (!lookedUp) {
        this.walked.push(position);
        return;
      }
      for (const pattern of new Set(patterns.map((p) => p.toLowerCase()))) {
        const positions = this.byName.get(pattern);
        if (positions) positions.push(position);
        else this.byName.set(pattern, [position]);
      }
    });
  }

  /**
   * Every entry that can matter for these names, in file order: judgeHostKey over them decides exactly as over all
   * entries (the ones left out are plain entries naming other hosts, which neither match nor are revoked).
   */
  candidates(names: readonly string[]): KnownHostEntry[] {
    const positions = new Set(this.walked);
    for (const name of names) for (const position of this.byName.get(name.toLowerCase()) ?? []) positions.add(position);
    return [...positions].sort((a, b) => a - b).map((position) => this.entries[position] as KnownHostEntry);
  }
}

export type HostKeyVerdict =
  | { kind: 'trusted'; entry: KnownHostEntry }
  | { kind: 'unknown' }
  | { kind: 'changed'; recorded: KnownHostEntry }
  | { kind: 'revoked'; entry: KnownHostEntry }
  | { kind: 'unsupported'; entry: KnownHostEntry };

/**
 * Decide about a presented key given every entry of every known_hosts file. A revoked key is refused wherever it is
 * listed. A host with a recorded key of the same type but other bytes has CHANGED its key. A host known only by a key
 * of another type is also treated as changed (stricter than OpenSSH) because accepting it would let an attacker pick a
 * key type we have no record for; the connection offers recorded types first, so an honest host never lands here.
 */
export function judgeHostKey(entries: KnownHostEntry[], names: string[], presented: Buffer): HostKeyVerdict {
  const presentedType = keyTypeOfBlob(presented);
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const forHost = entries.filter((e) => names.some((name) => hostFieldMatches(e.hosts, name)));
  const plain = forHost.filter((e) => e.marker === undefined);
  const exact = plain.find((e) => e.key.equals(presented));
  if (exact) return { kind: 'trusted', entry: exact };
  const sameType = plain.find((e) => e.keyType === presentedType);
  if (sameType) return { kind: 'changed', recorded: sameType };
  const otherType = plain[0];
  if (otherType) return { kind: 'changed', recorded: otherType };
  const authority = forHost.find((e) => e.marker === 'cert-authority');
  if (authority) return { kind: 'unsupported', entry: authority };
  return { kind: 'unknown' };
}

/** The line to append for a newly trusted key. */
export function formatKnownHostsLine(name: string, key: Buffer, hashed: boolean): string {
  return `${hashed ? hashHostName(name) : name} ${keyTypeOfBlob(key)} ${key.toString('base64')}`;
}

/** Host-key algorithms to offer, recorded key types first so that a host answers with the key we know. */
export function preferredHostKeyAlgorithms(knownTypes: string[]): string[] {
  const defaults = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const first = knownTypes.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
  return [...new Set([...first.filter((a) => defaults.includes(a)), ...defaults])];
}
