// Push a verified bundle to many hosts: every host in parallel (probes and on-host checks are cheap), with a cap on
// simultaneous byte transfers so that the controller's uplink is shared predictably. One host's failure never stops
// the others; each host gets its own result.
import pLimit from 'p-limit';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Connection } from '../connection/types.js';
import { UnreachableError } from '../connection/errors.js';
import { sh } from '../util/shell.js';
import type { OpenBundle } from './bundle-dir.js';
import type { BundleComponent } from './manifest.js';
import { pushFile, type PushFileOutcome, type PushProgress } from './transfer.js';
import { InputError } from '../util/errors.js';
import { ensureLxdImage, type LxdImageOutcome } from './lxd-image.js';

export interface HostFileResult {
  component: string;
  file: string;
  /** outcome.bytesSent: what the workstation itself sent to this host for this file */
  outcome: PushFileOutcome;
  /** the inventory host that served the file in a fan-out; absent when the workstation sent it (or nothing was sent) */
  relay?: string;
  /** bytes that reached this host's disk for this file in this push, from whichever source (all attempts) */
  bytesReceived: number;
  /** fan-out attempts that did not deliver this file (which relay, why), before the one that did */
  relayFailures?: string[];
  imported?: LxdImageOutcome;
}

export interface HostPushResult {
  host: string;
  status: 'ok' | 'changed' | 'failed' | 'unreachable';
  error?: string;
  files: HostFileResult[];
  /** bytes the workstation sent to this host (a fan-out's relays send the rest) */
  bytesSent: number;
  /** bytes that reached this host from any source */
  bytesReceived: number;
  /** files not sent because the host already had them */
  skipped: number;
  durationMs: number;
}

export interface BundlePushOptions {
  destDir: string;
  /** simultaneous file transfers over all hosts */
  maxTransfers: number;
  /** only these components (default: all) */
  components?: readonly string[];
  /** after pushing, import each image into the host's LXD (alias <component>-<upstream_version>) */
  importImages?: boolean;
  check?: boolean;
  signal?: AbortSignal;
  connect: (host: string) => Promise<Connection>;
  /** a fresh connection after a drop (the pool forgets a dead one) */
  reconnect?: (host: string) => Promise<Connection>;
  /** `relay`: the inventory host serving these bytes in a fan-out, undefined for the workstation */
  onProgress?: (host: string, component: BundleComponent, progress: PushProgress, relay?: string) => void;
  onHostStart?: (host: string, totalBytes: number) => void;
  onHostDone?: (result: HostPushResult) => void;
}

/** Where the manifest lands on a host: named by bundle so that several bundles can share one directory. */
export function remoteManifestName(bundle: OpenBundle): string {
  return `${bundle.manifest.name}_${bundle.manifest.version}.manifest.json`;
}

export function selectComponents(bundle: OpenBundle, names: readonly string[] | undefined): BundleComponent[] {
  if (!names || names.length === 0) return bundle.manifest.components;
  const unknown = names.filter((name) => !bundle.manifest.components.some((c) => c.name === name));
  if (unknown.length > 0) {
    throw new InputError(`unknown component(s) ${unknown.join(', ')}; the bundle has ${bundle.manifest.components.map((c) => c.name).join(', ')}`);
  }
  return bundle.manifest.components.filter((c) => names.includes(c.name));
}

export function importAlias(component: BundleComponent): string {
  return `${component.name}-${component.upstream_version}`.replace(/[^A-Za-z0-9._-]/g, '-');
}

/** Copy the manifest next to the images (so lxd_image can read fingerprints on the host); skipped when identical. */
export async function placeManifest(conn: Connection, bundle: OpenBundle, destDir: string): Promise<void> {
  const remote = `${destDir.replace(/\/+$/, '')}/${remoteManifestName(bundle)}`;
  const want = createHash('sha256').update(bundle.manifestBytes).digest('hex');
  // one round trip: the hash when the manifest is there, and the directory made when it is not (every image may have
  // been skipped because LXD already holds it, so no transfer created the directory)
  const have = await conn.exec(sh`sha256sum ${remote} 2>/dev/null || mkdir -p ${destDir}`);
  if (have.stdout.startsWith(want)) return;
  await conn.putContent(bundle.manifestBytes, remote, { mode: 0o644 });
}

/**
 * After a host holds every file: the manifest beside them and, with importImages, each image in the host's LXD.
 * Returns why it failed, or undefined.
 */
export async function finishHost(conn: Connection, bundle: OpenBundle, components: readonly BundleComponent[], files: HostFileResult[], options: Pick<BundlePushOptions, 'check' | 'destDir' | 'importImages'>): Promise<string | undefined> {
  if (!options.check) await placeManifest(conn, bundle, options.destDir);
  if (!options.importImages) return undefined;
  for (const entry of files) {
    const component = components.find((c) => c.name === entry.component) as BundleComponent;
    entry.imported = await ensureLxdImage((command) => conn.exec(command), {
      file: `${options.destDir.replace(/\/+$/, '')}/${component.file}`,
      fingerprint: component.lxd_fingerprint,
      sha256: component.sha256,
      alias: importAlias(component),
      state: 'present',
      keep_file: false,
    }, options.check ?? false);
    if (entry.imported.failed) return `${component.name}: ${entry.imported.msg}`;
  }
  return undefined;
}

export async function pushToHost(host: string, bundle: OpenBundle, components: readonly BundleComponent[], options: BundlePushOptions, transferSlot: <T>(send: () => Promise<T>) => Promise<T>): Promise<HostPushResult> {
  const started = Date.now();
  const files: HostFileResult[] = [];
  const finish = (status: HostPushResult['status'], error?: string): HostPushResult => ({
    host, status, files,
    bytesSent: files.reduce((sum, f) => sum + f.outcome.bytesSent, 0),
    bytesReceived: files.reduce((sum, f) => sum + f.bytesReceived, 0),
    skipped: files.filter((f) => f.outcome.status === 'skipped').length,
    durationMs: Date.now() - started,
    ...(error === undefined ? {} : { error }),
  });
  options.onHostStart?.(host, components.reduce((sum, c) => sum + c.size, 0));
  let conn: Connection;
  try {
    conn = await options.connect(host);
  } catch (error) {
    return finish(error instanceof UnreachableError ? 'unreachable' : 'failed', (error as Error).message);
  }
  try {
    for (const component of components) {
      const outcome = await pushFile(conn, {
        localPath: join(bundle.dir, component.file),
        destDir: options.destDir,
        fileName: component.file,
        size: component.size,
        sha256: component.sha256,
        lxdFingerprint: component.lxd_fingerprint,
      }, {
        transferSlot,
        ...(options.check ? { check: true } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.reconnect ? { reconnect: async () => { conn = await (options.reconnect as (h: string) => Promise<Connection>)(host); return conn; } } : {}),
        onProgress: (progress) => options.onProgress?.(host, component, progress),
      });
      files.push({ component: component.name, file: component.file, outcome, bytesReceived: outcome.status === 'sent' ? outcome.bytesSent : 0 });
    }
    const failure = await finishHost(conn, bundle, components, files, options);
    if (failure !== undefined) return finish('failed', failure);
    const changed = files.some((f) => f.outcome.status !== 'skipped' || f.imported?.changed);
    return finish(changed ? 'changed' : 'ok');
  } catch (error) {
    return finish(error instanceof UnreachableError ? 'unreachable' : 'failed', (error as Error).message);
  }
}

export async function pushBundle(bundle: OpenBundle, hosts: readonly string[], options: BundlePushOptions): Promise<HostPushResult[]> {
  const components = selectComponents(bundle, options.components);
  const limit = pLimit(Math.max(1, options.maxTransfers));
  const transferSlot = <T>(send: () => Promise<T>): Promise<T> => limit(send);
  return Promise.all(hosts.map(async (host) => {
    const result = await pushToHost(host, bundle, components, options, transferSlot);
    options.onHostDone?.(result);
    return result;
  }));
}
