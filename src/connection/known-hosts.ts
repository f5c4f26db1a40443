// Strict host-key checking against OpenSSH known_hosts files, with optional trust-on-first-use.
// A changed or revoked key is ALWAYS refused; accept-new only ever adds keys for hosts that have no record at all.
import { access, appendFile, chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { readInputText } from '../util/input-file.js';
import { constants } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { HostKeyError } from './errors.js';
import {
  fingerprintSha256,
  formatKnownHostsLine,
  hostFieldMatches,
  judgeHostKey,
  keyTypeLabel,
  keyTypeOfBlob,
  knownHostsName,
  KnownHostsIndex,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts-format.js';

export interface HostKeyCheckTarget {
  /** inventory name of the host the connection is for (what errors are about) */
  host: string;
  /** the hop being checked, e.g. "jump1" or "jump1 -> web3"; undefined for a direct connection */
  hop?: string;
  /** who presented the key: the address and port we connected to (or asked the jump host to forward to) */
  address: string;
  port: number;
  /** known_hosts files for this host, most specific first; ~/.ssh/known_hosts is added by the store */
  files: string[];
}

export interface KnownHostsStoreOptions {
  acceptNewHostKeys?: boolean;
  /** hash names of newly recorded keys when the target file has no entries yet to follow (OpenSSH: HashKnownHosts) */
  hashNewEntries?: boolean;
  /** defaults to ~/.ssh/known_hosts; tests point this elsewhere */
  userKnownHostsFile?: string;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  /** a promise, so that a fleet's connections checking keys at the same moment share one read and parse */
  index: Promise<KnownHostsIndex>;
}

export function defaultUserKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

async function isWritableTarget(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
  }
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await access(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export class KnownHostsStore {
  private readonly cache = new Map<string, CachedFile>();
  /** one queue per file: appends from many hosts connecting at once never interleave or duplicate */
  private readonly writeQueues = new Map<string, Promise<void>>();
  private readonly acceptNew: boolean;
  private readonly hashNewEntries: boolean;
  private readonly userFile: string;

  constructor(options: KnownHostsStoreOptions = {}) {
    this.acceptNew = options.acceptNewHostKeys ?? false;
    this.hashNewEntries = options.hashNewEntries ?? false;
    this.userFile = options.userKnownHostsFile ?? defaultUserKnownHostsFile();
  }

  filesFor(target: HostKeyCheckTarget): string[] {
    return [...new Set([...target.files, this.userFile])];
  }

  private async indexOf(file: string): Promise<KnownHostsIndex> {
    let info;
    try {
      info = await stat(file);
    } catch {
      this.cache.delete(file);
      return new KnownHostsIndex([]);
    }
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.index;
    const index = readInputText(file, { what: 'known_hosts file' }).then((text) => new KnownHostsIndex(parseKnownHosts(text, file)));
    this.cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, index });
    index.catch(() => {
      if (this.cache.get(file)?.index === index) this.cache.delete(file);
    });
    return index;
  }

  /** The entries of these files that can matter for `name` (KnownHostsIndex), files in order. */
  private async entriesFor(files: string[], name: string): Promise<KnownHostEntry[]> {
    return (await Promise.all(files.map((f) => this.indexOf(f)))).flatMap((index) => index.candidates([name]));
  }

  /** Key types recorded for this host, so the connection can offer them first. */
  async knownKeyTypes(target: HostKeyCheckTarget): Promise<string[]> {
    const name = knownHostsName(target.address, target.port);
    const entries = await this.entriesFor(this.filesFor(target), name);
    return [...new Set(entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name)).map((e) => e.keyType))];
  }

  /** Resolves when the key is trusted (or newly recorded under accept-new); throws HostKeyError otherwise. */
  async verify(target: HostKeyCheckTarget, key: Buffer): Promise<void> {
    const name = knownHostsName(target.address, target.port);
    const files = this.filesFor(target);
    const verdict = judgeHostKey(await this.entriesFor(files, name), [name], key);
    if (verdict.kind === 'trusted') return;
    if (verdict.kind === 'unknown' && this.acceptNew) {
      await this.record(target, files, name, key);
      return;
    }
    throw this.refusal(target, name, key, verdict);
  }

  private refusal(target: HostKeyCheckTarget, name: string, key: Buffer, verdict: Exclude<ReturnType<typeof judgeHostKey>, { kind: 'trusted' }>): HostKeyError {
    const type = keyTypeOfBlob(key);
    const presented = `${keyTypeLabel(type)} key fingerprint is ${fingerprintSha256(key)}`;
    const who = target.hop ? `${target.hop} (${name})` : `${target.host} (${name})`;
    const options = target.hop === undefined ? undefined : { hop: target.hop };
    switch (verdict.kind) {
      case 'unknown':
        return new HostKeyError(
          target.host,
          'unknown',
          `host key of ${who} is unknown: ${presented}. If that is the right key, run again with --accept-new-host-keys ` +
            `to record it, or add this line to ${this.filesFor(target)[0]}: ${formatKnownHostsLine(name, key, false)}`,
          options,
        );
      case 'changed': {
        const recorded = verdict.recorded;
        return new HostKeyError(
          target.host,
          'changed',
          `HOST KEY CHANGED for ${who}: someone could be intercepting the connection, or the host was reinstalled. ` +
            `It presented ${presented}, but ${recorded.file}:${recorded.line} records ${keyTypeLabel(recorded.keyType)} key ` +
            `fingerprint ${fingerprintSha256(recorded.key)}. Refusing to connect (also with --accept-new-host-keys); if the ` +
            `change is expected, remove that line (ssh-keygen -R ${name} -f ${recorded.file}) and connect again.`,
          options,
        );
      }
      case 'revoked':
        return new HostKeyError(
          target.host,
          'revoked',
          `host key of ${who} is REVOKED (${verdict.entry.file}:${verdict.entry.line}): ${presented}. Refusing to connect.`,
          options,
        );
      case 'unsupported':
        return new HostKeyError(
          target.host,
          'unsupported',
          `host ${who} is trusted only through a @cert-authority line (${verdict.entry.file}:${verdict.entry.line}), and ` +
            `airlock does not support host certificates: record the host's own key (${presented}) in known_hosts.`,
          options,
        );
    }
  }

  private async record(target: HostKeyCheckTarget, files: string[], name: string, key: Buffer): Promise<void> {
    let file: string | undefined;
    for (const candidate of files) {
      if (await isWritableTarget(candidate)) {
        file = candidate;
        break;
      }
    }
    if (file === undefined) {
      throw new HostKeyError(target.host, 'unknown', `cannot record the host key of ${name}: none of ${files.join(', ')} is writable`);
    }
    const chosen = file;
    const previous = this.writeQueues.get(chosen) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.appendUnlessPresent(target, chosen, files, name, key));
    this.writeQueues.set(chosen, next);
    await next;
  }

  private async appendUnlessPresent(target: HostKeyCheckTarget, file: string, files: string[], name: string, key: Buffer): Promise<void> {
    // Re-judge inside the queue: another connection to the same host may have recorded (or conflicted) meanwhile.
    const verdict = judgeHostKey(await this.entriesFor(files, name), [name], key);
    if (verdict.kind === 'trusted') return;
    if (verdict.kind !== 'unknown') throw this.refusal(target, name, key, verdict);
    const existing = (await this.indexOf(file)).entries;
    const hashed = existing.length > 0 ? existing.every((e) => e.hosts.startsWith('|')) : this.hashNewEntries;
    let prefix = '';
    let isNew = false;
    try {
      const current = await readFile(file);
      if (current.length > 0 && current[current.length - 1] !== 0x0a) prefix = '\n';
    } catch {
      isNew = true;
    }
    await appendFile(file, `${prefix}${formatKnownHostsLine(name, key, hashed)}\n`, { mode: 0o600 });
    if (isNew) await chmod(file, 0o600);
    this.cache.delete(file);
  }
}
