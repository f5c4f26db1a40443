// `bundle push --fan-out`: the workstation sends each image to a first host; every host that holds a verified copy
// then serves another one over SSH with a key made for this push only (fanout-commands.ts), so the number of
// sources doubles per round and the workstation's link carries each image about once. Each receiver verifies what
// it gets with the same receive command as a direct push; the controller believes only what it reads on the
// receiver over its own connection. A relay that fails or sends bad bytes serves no more; its receiver is served
// again by another holder, or by the workstation after `relayAttempts`. Design and reasons: docs/bundle.md.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { Connection, ExecResult } from '../connection/types.js';
import { UnreachableError } from '../connection/errors.js';
import type { OpenBundle } from './bundle-dir.js';
import type { BundleComponent } from './manifest.js';
import { formatBytes } from './format.js';
import { finishHost, pushBundle, selectComponents, type BundlePushOptions, type HostFileResult, type HostPushResult } from './push.js';
import { pushFile, type PushFileOutcome } from './transfer.js';
import { mkdirCommand, parseProbe, parseReceive, parseSha256, probeCommand, sha256Command } from './remote-commands.js';
import {
  authorizedKeyLine, cleanupCommand, fanOutTag, forcedReceiveCommand, installKeyCommand, partSizeCommand, relayKnownHosts,
  relayKnownHostsCommand, relaySendCommand, relaySetupCommand, removeFileCommand, removeKeyCommand,
} from './fanout-commands.js';

/** How another host reaches this one: the inventory's address, port and login user. */
export interface FanOutTarget {
  address: string;
  port: number;
  user: string;
  /** behind a jump host: the workstation serves it (through the jump, as a direct push) and it relays to no one */
  direct: boolean;
}

export interface FanOutOptions extends BundlePushOptions {
  target: (host: string) => FanOutTarget;
  /** hosts the workstation serves at once (default 1: its link carries each image once) */
  seeds?: number;
  /** relays tried per host and file before the workstation serves it (default 2) */
  relayAttempts?: number;
  /** lifetime of the key lines, after which their forced command refuses to run (default 6 h) */
  keyLifetimeS?: number;
  /** how often the receiver's partial file is read for progress, ms (default 1000) */
  progressIntervalMs?: number;
  /** a host now holds a verified copy and is about to serve others (tests tamper with the copy here) */
  onVerified?: (host: string, component: BundleComponent) => Promise<void> | void;
}

interface HostState {
  host: string;
  conn?: Connection;
  files: HostFileResult[];
  started: number;
  failure?: { status: 'failed' | 'unreachable'; error: string };
  relayReady?: Promise<void>;
}

class HostCommandError extends Error {}

function publicKeyOnly(openSshPublic: string): string {
  return openSshPublic.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** One push's hosts, key and the commands run on them, with a reconnect when a host's connection dropped. */
class FanOutRun {
  readonly pushId = randomBytes(8).toString('hex');
  readonly tag = fanOutTag(this.pushId);
  readonly keys = ssh2.utils.generateKeyPairSync('ed25519', { comment: this.tag });
  readonly expires: number;
  readonly states = new Map<string, HostState>();

  constructor(readonly bundle: OpenBundle, hosts: readonly string[], readonly options: FanOutOptions) {
    this.expires = Math.floor(Date.now() / 1000) + (options.keyLifetimeS ?? 6 * 3600);
    for (const host of hosts) this.states.set(host, { host, files: [], started: Date.now() });
  }

  state(host: string): HostState {
    return this.states.get(host) as HostState;
  }

  active(): HostState[] {
    return [...this.states.values()].filter((s) => s.failure === undefined);
  }

  fail(host: string, error: unknown): void {
    const state = this.state(host);
    if (state.failure) return;
    state.failure = { status: error instanceof UnreachableError ? 'unreachable' : 'failed', error: (error as Error).message };
  }

  async conn(host: string): Promise<Connection> {
    const state = this.state(host);
    state.conn ??= await this.options.connect(host);
    return state.conn;
  }

  /** A command on a host; a dropped connection is replaced once (the pool forgets dead ones). */
  async exec(host: string, command: string, options: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    this.options.signal?.throwIfAborted();
    try {
      return await (await this.conn(host)).exec(command, options);
    } catch (error) {
      if (!(error instanceof UnreachableError) || !this.options.reconnect) throw error;
      const state = this.state(host);
      state.conn = await this.options.reconnect(host);
      return state.conn.exec(command, options);
    }
  }

  async execOk(host: string, command: string, what: string, options: { stdin?: string } = {}): Promise<ExecResult> {
    const result = await this.exec(host, command, options);
    if (result.rc !== 0) throw new HostCommandError(`${host}: ${what} failed (rc ${result.rc}): ${(result.stderr.trim() || result.stdout.trim()).slice(0, 300)}`);
    return result;
  }

  /** The push's private key and the receivers' host keys on a relay, once per push and relay. */
  relayReady(relay: string): Promise<void> {
    const state = this.state(relay);
    state.relayReady ??= (async () => {
      const receivers: Array<{ host: string; hostKey: string }> = [];
      for (const other of this.active()) {
        const key = other.conn?.hostKey;
        if (key !== undefined && other.host !== relay) receivers.push({ host: other.host, hostKey: key });
      }
      await this.execOk(relay, relaySetupCommand(this.pushId), 'writing the fan-out key', { stdin: this.keys.private });
      await this.execOk(relay, relayKnownHostsCommand(this.pushId), 'writing the receivers\' host keys', { stdin: relayKnownHosts(receivers) });
    })();
    return state.relayReady;
  }

  /** Every host contacted loses the push's key lines and relay directory, whatever happened before. */
  async cleanup(): Promise<void> {
    await Promise.all([...this.states.values()].filter((s) => s.conn !== undefined).map(async (state) => {
      try {
        await this.execOk(state.host, cleanupCommand(this.pushId), 'removing the fan-out key and its authorized_keys line');
      } catch (error) {
        const message = `${(error as Error).message} (the line stops working at ${new Date(this.expires * 1000).toISOString()})`;
        state.failure ??= { status: 'failed', error: message };
      }
    }));
  }
}

interface FileTask {
  component: BundleComponent;
  finalPath: string;
  partPath: string;
}

/** Serve one image to every active host, sources doubling as hosts become verified holders. */
async function fanOutFile(run: FanOutRun, component: BundleComponent): Promise<void> {
  const { options } = run;
  const dest = options.destDir.replace(/\/+$/, '');
  const task: FileTask = { component, finalPath: `${dest}/${component.file}`, partPath: `${dest}/${component.file}.part` };
  const results = new Map<string, HostFileResult>();
  const received = new Map<string, number>();
  const failures = new Map<string, string[]>();
  const tries = new Map<string, number>();
  const holders: string[] = [];
  const pending: string[] = [];
  const banned = new Set<string>();
  const busy = new Set<string>();
  const seeds = Math.max(1, options.seeds ?? 1);
  const relayAttempts = options.relayAttempts ?? 2;
  let workstationBusy = 0;
  const started = Date.now();
  // a host no relay can verify (no host key from an SSH handshake) or reach (behind a jump) is the workstation's
  const direct = (host: string): boolean => options.target(host).direct || run.state(host).conn?.hostKey === undefined;
  const outcome = (status: PushFileOutcome['status'], extra: Partial<PushFileOutcome> = {}): PushFileOutcome => ({
    status, bytesSent: 0, resumedFrom: 0, attempts: 1, durationMs: Date.now() - started, remotePath: task.finalPath, ...extra,
  });

  // where every host stands: LXD has it, a verified final file (a holder from the start), or to be served
  await Promise.all(run.active().map(async ({ host }) => {
    try {
      const probe = parseProbe((await run.execOk(host, probeCommand(dest, task.finalPath, task.partPath, component.lxd_fingerprint), 'probe')).stdout);
      if (probe.lxdHasImage) {
        results.set(host, { component: component.name, file: component.file, outcome: outcome('skipped', { skipReason: 'lxd_has_image' }), bytesReceived: 0 });
        return;
      }
      if (probe.finalSize === component.size && parseSha256((await run.execOk(host, sha256Command(task.finalPath), 'sha256')).stdout) === component.sha256) {
        results.set(host, { component: component.name, file: component.file, outcome: outcome('skipped', { skipReason: 'already_present' }), bytesReceived: 0 });
        if (!direct(host)) holders.push(host);
        return;
      }
      pending.push(host);
    } catch (error) {
      run.fail(host, error);
    }
  }));
  // relay-capable hosts first, so the workstation's first copy lands where it can be passed on
  const order = [...run.states.keys()];
  pending.sort((a, b) => Number(direct(a)) - Number(direct(b)) || order.indexOf(a) - order.indexOf(b));

  const becameHolder = async (host: string, result: HostFileResult): Promise<void> => {
    const notes = failures.get(host);
    results.set(host, notes === undefined ? result : { ...result, relayFailures: notes });
    await options.onVerified?.(host, component);
    if (!direct(host)) holders.push(host);
  };

  const fromWorkstation = async (host: string): Promise<void> => {
    let conn: Connection;
    try {
      conn = await run.conn(host);
      const sent = await pushFile(conn, {
        localPath: join(run.bundle.dir, component.file), destDir: options.destDir, fileName: component.file,
        size: component.size, sha256: component.sha256,
      }, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.reconnect ? { reconnect: async () => { conn = await (options.reconnect as (h: string) => Promise<Connection>)(host); run.state(host).conn = conn; return conn; } } : {}),
        onProgress: (progress) => options.onProgress?.(host, component, progress),
      });
      await becameHolder(host, { component: component.name, file: component.file, outcome: sent, bytesReceived: (received.get(host) ?? 0) + sent.bytesSent });
    } catch (error) {
      run.fail(host, error);
    }
  };

  /** A relay's copy failed its receiver: is the relay's own copy still the image? If not it is removed and served again. */
  const checkRelayCopy = async (relay: string): Promise<void> => {
    const sum = parseSha256((await run.execOk(relay, sha256Command(task.finalPath), 'sha256 of its own copy')).stdout);
    if (sum === component.sha256) return;
    await run.execOk(relay, removeFileCommand(task.finalPath), 'removing its corrupt copy');
    holders.splice(holders.indexOf(relay), 1);
    results.delete(relay);
    const notes = failures.get(relay) ?? [];
    notes.push(`its own copy no longer hashed to ${component.sha256} (host computed ${sum ?? 'nothing'}): removed and served again`);
    failures.set(relay, notes);
    pending.push(relay);
  };

  const fromRelay = async (relay: string, host: string): Promise<void> => {
    tries.set(host, (tries.get(host) ?? 0) + 1);
    const target = options.target(host);
    let offset = 0;
    let poll: NodeJS.Timeout | undefined;
    try {
      const probe = parseProbe((await run.execOk(host, probeCommand(dest, task.finalPath, task.partPath, undefined), 'probe')).stdout);
      offset = probe.partSize !== undefined && probe.partSize <= component.size ? probe.partSize : 0;
      const needed = component.size - offset;
      if (probe.availableBytes !== undefined && probe.availableBytes < needed) {
        throw new HostCommandError(`${host}: ${component.file}: needs ${formatBytes(needed)} (${needed} bytes), has ${formatBytes(probe.availableBytes)} (${probe.availableBytes} bytes) free on ${options.destDir}`);
      }
      await run.execOk(host, mkdirCommand(dest), 'mkdir');
      await run.relayReady(relay);
      const forced = forcedReceiveCommand(task.partPath, task.finalPath, offset, component.size, component.sha256, run.expires);
      await run.execOk(host, installKeyCommand(authorizedKeyLine(forced, publicKeyOnly(run.keys.public), run.tag), run.tag), 'installing the fan-out key line');
    } catch (error) {
      // the receiver itself is in trouble (no room, unreachable): it fails, the relay is fine
      run.fail(host, error);
      return;
    }
    const reportProgress = async (): Promise<void> => {
      const done = Number((await run.exec(host, partSizeCommand(task.partPath))).stdout.trim());
      if (Number.isFinite(done)) options.onProgress?.(host, component, { bytesDone: done, bytesTotal: component.size, bytesSent: 0 }, relay);
    };
    poll = setInterval(() => void reportProgress().catch(() => undefined), options.progressIntervalMs ?? 1000);
    let relayOutput = '';
    try {
      // not run.exec: a send is never repeated behind the scheduler's back (a retry is the scheduler's decision)
      const sent = await (await run.conn(relay)).exec(relaySendCommand({
        pushId: run.pushId, file: task.finalPath, offset, receiver: host, address: target.address, port: target.port, user: target.user,
      }), { timeoutMs: Math.max(600_000, component.size / 1024) });
      relayOutput = `rc ${sent.rc}${sent.stderr.trim() === '' ? '' : `: ${sent.stderr.trim().slice(0, 300)}`}`;
      const report = parseReceive(sent.stdout);
      if (report.verdict === 'mismatch') relayOutput = `the receiver refused the bytes: sha256 ${report.sha256 ?? '(none)'} is not ${component.sha256}`;
    } catch (error) {
      relayOutput = (error as Error).message;
    } finally {
      clearInterval(poll);
    }
    try {
      await run.execOk(host, removeKeyCommand(run.tag), 'removing the fan-out key line');
      // the receiver's own word, over the controller's connection: only a verified receive renames to the final name
      const after = parseProbe((await run.execOk(host, probeCommand(dest, task.finalPath, task.partPath, undefined), 'probe')).stdout);
      const got = Math.max(0, (after.finalSize === component.size ? component.size : (after.partSize ?? offset)) - offset);
      received.set(host, (received.get(host) ?? 0) + got);
      if (after.finalSize === component.size) {
        await becameHolder(host, { component: component.name, file: component.file, relay, bytesReceived: received.get(host) ?? got, outcome: outcome('sent', { resumedFrom: offset, attempts: tries.get(host) ?? 1 }) });
        return;
      }
      const notes = failures.get(host) ?? [];
      notes.push(`from ${relay}: ${relayOutput}${after.partSize === undefined && offset + got === 0 ? '' : ` (${formatBytes(after.partSize ?? 0)} kept to resume)`}`);
      failures.set(host, notes);
      banned.add(relay);
      if (after.partSize === undefined) await checkRelayCopy(relay);
      pending.push(host);
    } catch (error) {
      run.fail(host, error);
    }
  };

  await new Promise<void>((resolve) => {
    let running = 0;
    const start = (work: Promise<void>, release: () => void): void => {
      running += 1;
      void work.finally(() => {
        release();
        running -= 1;
        pump();
      });
    };
    const pump = (): void => {
      for (const host of [...pending]) {
        if (run.state(host).failure || options.signal?.aborted) {
          pending.splice(pending.indexOf(host), 1);
          continue;
        }
        const usable = holders.filter((h) => !banned.has(h) && run.state(h).failure === undefined);
        if (direct(host) || (tries.get(host) ?? 0) >= relayAttempts || usable.length === 0) {
          if (workstationBusy >= seeds) continue;
          pending.splice(pending.indexOf(host), 1);
          workstationBusy += 1;
          start(fromWorkstation(host), () => { workstationBusy -= 1; });
          continue;
        }
        const relay = usable.find((h) => !busy.has(h));
        if (relay === undefined) continue;
        pending.splice(pending.indexOf(host), 1);
        busy.add(relay);
        start(fromRelay(relay, host), () => busy.delete(relay));
      }
      if (running === 0 && pending.length === 0) resolve();
    };
    pump();
  });
  if (options.signal?.aborted) for (const state of run.active()) run.fail(state.host, options.signal.reason ?? new Error('interrupted'));
  for (const [host, result] of results) run.state(host).files.push(result);
}

/** The fan-out push: same results as pushBundle, plus per file the relay that served it and the bytes received. */
export async function pushBundleFanOut(bundle: OpenBundle, hosts: readonly string[], options: FanOutOptions): Promise<HostPushResult[]> {
  // check mode moves nothing: what would be sent is what a direct push reports
  if (options.check) return pushBundle(bundle, hosts, options);
  const components = selectComponents(bundle, options.components);
  const run = new FanOutRun(bundle, hosts, options);
  for (const host of hosts) options.onHostStart?.(host, components.reduce((sum, c) => sum + c.size, 0));
  await Promise.all(hosts.map(async (host) => {
    try {
      await run.conn(host);
    } catch (error) {
      run.fail(host, error);
    }
  }));
  try {
    for (const component of components) await fanOutFile(run, component);
    await Promise.all(run.active().map(async (state) => {
      try {
        const failure = await finishHost(await run.conn(state.host), bundle, components, state.files, options);
        if (failure !== undefined) run.fail(state.host, new Error(failure));
      } catch (error) {
        run.fail(state.host, error);
      }
    }));
  } finally {
    await run.cleanup();
  }
  return hosts.map((host) => {
    const state = run.state(host);
    const result: HostPushResult = {
      host,
      status: state.failure?.status ?? (state.files.some((f) => f.outcome.status !== 'skipped' || f.imported?.changed) ? 'changed' : 'ok'),
      files: state.files,
      bytesSent: state.files.reduce((sum, f) => sum + f.outcome.bytesSent, 0),
      bytesReceived: state.files.reduce((sum, f) => sum + f.bytesReceived, 0),
      skipped: state.files.filter((f) => f.outcome.status === 'skipped').length,
      durationMs: Date.now() - state.started,
      ...(state.failure === undefined ? {} : { error: state.failure.error }),
    };
    options.onHostDone?.(result);
    return result;
  });
}
