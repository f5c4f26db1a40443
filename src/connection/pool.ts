// One persistent connection per host, made lazily on first use and shared by every task; concurrent get() calls
// for a host share one attempt. Jump hosts are pooled too: fifty hosts behind one bastion ride one bastion session.
import type ssh2 from 'ssh2';
import type { Duplex } from 'node:stream';
import { userInfo } from 'node:os';
import type { Vars } from '../types/vars.js';
import { UnreachableError } from './errors.js';
import { KnownHostsStore } from './known-hosts.js';
import { LocalConnection } from './local.js';
import { connectionSettings, type ConnectionSettings, type JumpSpec } from './settings.js';
import { openSshClient, verifiedHostKey, type HopParams } from './ssh-client.js';
import { SshConnection } from './ssh.js';
import type { Connection } from './types.js';

export interface ConnectionPoolOptions {
  /** known_hosts files checked for every host, besides each host's airlock_known_hosts and ~/.ssh/known_hosts */
  knownHostsFiles?: string[];
  /** trust on first use: record unknown keys (never changed ones) */
  acceptNewHostKeys?: boolean;
  /** hash names of keys recorded into a file that has no entries yet */
  hashKnownHosts?: boolean;
  /** ~/.ssh/known_hosts by default */
  userKnownHostsFile?: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  passphrase?: string;
  askPassphrase?: (keyFile: string) => Promise<string>;
  /** session channels per connection before execs queue (OpenSSH MaxSessions is 10; SFTP takes one) */
  maxChannelsPerHost?: number;
  /** variables of another inventory host, so that `airlock_jump: [bastion]` uses the bastion's own address, user and key */
  resolveHostVars?: (host: string) => Vars | undefined;
  /** connection variables below every host's own (ansible.cfg remote_user, private_key_file, remote_port) */
  defaultVars?: Vars;
}

interface ResolvedHop {
  label: string;
  params: Omit<HopParams, 'host' | 'hop' | 'sock'>;
  /** pool key: the whole chain up to and including this hop */
  key: string;
}

export class ConnectionPool {
  private readonly options: ConnectionPoolOptions;
  private readonly store: KnownHostsStore;
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly jumps = new Map<string, Promise<ssh2.Client>>();

  constructor(options: ConnectionPoolOptions = {}) {
    this.options = options;
    this.store = new KnownHostsStore({
      acceptNewHostKeys: options.acceptNewHostKeys ?? false,
      hashNewEntries: options.hashKnownHosts ?? false,
      ...(options.userKnownHostsFile === undefined ? {} : { userKnownHostsFile: options.userKnownHostsFile }),
    });
  }

  get(host: string, vars: Vars): Promise<Connection> {
    const existing = this.connections.get(host);
    if (existing) return existing;
    const attempt = this.connect(host, vars);
    this.connections.set(host, attempt);
    // A failed attempt is forgotten so that a later task (wait_for_connection, a retry) can try again.
    attempt.catch(() => {
      if (this.connections.get(host) === attempt) this.connections.delete(host);
    });
    return attempt;
  }

  async closeAll(): Promise<void> {
    const connections = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(connections.map((c) => c.then((conn) => conn.close(), () => undefined)));
    const jumps = [...this.jumps.values()];
    this.jumps.clear();
    await Promise.all(jumps.map((j) => j.then((client) => client.end(), () => undefined)));
  }

  private hopParams(settings: Pick<ConnectionSettings, 'address' | 'port' | 'user' | 'privateKeyFile' | 'password' | 'knownHostsFiles' | 'connectTimeoutMs'>): Omit<HopParams, 'host' | 'hop' | 'sock'> {
    return {
      address: settings.address,
      port: settings.port,
      user: settings.user,
      ...(settings.privateKeyFile === undefined ? {} : { privateKeyFile: settings.privateKeyFile }),
      ...(settings.password === undefined ? {} : { password: settings.password }),
      knownHostsFiles: [...settings.knownHostsFiles, ...(this.options.knownHostsFiles ?? [])],
      connectTimeoutMs: settings.connectTimeoutMs ?? this.options.connectTimeoutMs ?? 10_000,
      keepaliveIntervalMs: this.options.keepaliveIntervalMs ?? 5_000,
      keepaliveCountMax: this.options.keepaliveCountMax ?? 3,
    };
  }

  /**
   * A jump named like an inventory host uses that host's own settings. Otherwise it is `user@address:port` as
   * OpenSSH reads it; such a hop has no inventory entry of its own, so it uses the target's key and known_hosts.
   */
  private resolveJump(spec: JumpSpec, target: ConnectionSettings): Omit<HopParams, 'host' | 'hop' | 'sock'> {
    const vars = this.options.resolveHostVars?.(spec.target);
    if (vars !== undefined) {
      const own = connectionSettings(spec.target, { ...this.options.defaultVars, ...vars });
      return this.hopParams({ ...own, user: spec.user ?? own.user, port: spec.port ?? own.port });
    }
    const { password: _unused, ...withoutPassword } = target;
    return this.hopParams({
      ...withoutPassword,
      address: spec.target,
      port: spec.port ?? 22,
      user: spec.user ?? userInfo().username,
    });
  }

  private chain(settings: ConnectionSettings): ResolvedHop[] {
    const hops: ResolvedHop[] = [];
    let key = '';
    let label = '';
    for (const spec of settings.jumps) {
      const params = this.resolveJump(spec, settings);
      key += `${key === '' ? '' : ' > '}${params.user}@${params.address}:${params.port}`;
      label += `${label === '' ? '' : ' -> '}${spec.target}`;
      hops.push({ label, params, key });
    }
    return hops;
  }

  /** Open (or reuse) a channel from the last hop of `hops` to address:port. */
  private async tunnel(host: string, hops: ResolvedHop[], address: string, port: number, nextLabel: string, timeoutMs: number): Promise<Duplex | undefined> {
    if (hops.length === 0) return undefined;
    const last = hops[hops.length - 1] as ResolvedHop;
    const client = await this.jumpClient(host, hops);
    const hop = `${last.label} -> ${nextLabel}`;
    return new Promise<Duplex>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UnreachableError(host, `${hop}: ${last.label} could not reach ${address}:${port} within ${timeoutMs} ms`, { hop })), timeoutMs);
      client.forwardOut('127.0.0.1', 0, address, port, (error, channel) => {
        clearTimeout(timer);
        if (error) {
          const reason = /refused/i.test(error.message) ? 'connection refused' : error.message;
          reject(new UnreachableError(host, `${hop}: ${reason} (${last.label} forwarding to ${address}:${port})`, { hop, cause: error }));
          return;
        }
        resolve(channel);
      });
    });
  }

  private jumpClient(host: string, hops: ResolvedHop[]): Promise<ssh2.Client> {
    const hop = hops[hops.length - 1] as ResolvedHop;
    const existing = this.jumps.get(hop.key);
    if (existing) return existing;
    const attempt = (async () => {
      const before = hops.slice(0, -1);
      const lastSpecLabel = hop.label.split(' -> ').pop() as string;
      const sock = await this.tunnel(host, before, hop.params.address, hop.params.port, lastSpecLabel, hop.params.connectTimeoutMs);
      const client = await openSshClient({ ...hop.params, host, hop: hop.label, ...(sock === undefined ? {} : { sock }) }, this.store, this.passphrases());
      client.on('close', () => {
        if (this.jumps.get(hop.key) === attempt) this.jumps.delete(hop.key);
      });
      return client;
    })();
    this.jumps.set(hop.key, attempt);
    attempt.catch(() => {
      if (this.jumps.get(hop.key) === attempt) this.jumps.delete(hop.key);
    });
    return attempt;
  }

  private passphrases(): { passphrase?: string; askPassphrase?: (keyFile: string) => Promise<string> } {
    return {
      ...(this.options.passphrase === undefined ? {} : { passphrase: this.options.passphrase }),
      ...(this.options.askPassphrase === undefined ? {} : { askPassphrase: this.options.askPassphrase }),
    };
  }

  private async connect(host: string, vars: Vars): Promise<Connection> {
    const settings = connectionSettings(host, { ...this.options.defaultVars, ...vars });
    if (settings.transport === 'local') {
      return new LocalConnection(host, {
        ...(this.options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: this.options.commandTimeoutMs }),
        ...(settings.become.password === undefined ? {} : { becomePassword: settings.become.password }),
      });
    }
    const params = this.hopParams(settings);
    const hops = this.chain(settings);
    const sock = await this.tunnel(host, hops, settings.address, settings.port, host, params.connectTimeoutMs);
    const hop = hops.length === 0 ? undefined : `${(hops[hops.length - 1] as ResolvedHop).label} -> ${host}`;
    const client = await openSshClient({ ...params, host, ...(hop === undefined ? {} : { hop }), ...(sock === undefined ? {} : { sock }) }, this.store, this.passphrases());
    let connection: SshConnection | undefined;
    connection = new SshConnection(host, client, {
      user: settings.user,
      ...(verifiedHostKey(client) === undefined ? {} : { hostKey: verifiedHostKey(client) as string }),
      ...(settings.become.password === undefined ? {} : { becomePassword: settings.become.password }),
      ...(this.options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: this.options.commandTimeoutMs }),
      ...(this.options.maxChannelsPerHost === undefined ? {} : { maxChannels: this.options.maxChannelsPerHost }),
      // A dropped host is reconnected by the next get(), not served from the pool forever.
      onGone: () => {
        const current = this.connections.get(host);
        if (current !== undefined) void current.then((c) => c === connection && this.connections.delete(host), () => undefined);
      },
    });
    return connection;
  }
}
