// `airlock bundle build|keygen|sign|verify|push`: image bundles carried across the air gap, verified on the
// controller, pushed resumably to many hosts and verified again on each host.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { ExitCode } from '../executor/exit-codes.js';
import { InputError } from '../util/errors.js';
import { buildFromImages, buildFromLxd } from '../bundle/build.js';
import { openBundle } from '../bundle/bundle-dir.js';
import { formatProblems, verifyBundle } from '../bundle/verify.js';
import { generateSigningKey, signBundleDir } from '../bundle/signing.js';
import { openVerifiedBundle } from '../bundle/gate.js';
import { pushBundle, type BundlePushOptions, type HostPushResult } from '../bundle/push.js';
import { pushBundleFanOut } from '../bundle/fanout.js';
import { fanOutTarget } from '../bundle/fanout-target.js';
import { liveProgress, plainProgress } from '../bundle/progress.js';
import { formatBytes } from '../bundle/format.js';
import { loadInventory } from '../inventory/load.js';
import { ConnectionPool } from '../connection/pool.js';

const DEFAULT_DEST = '/var/lib/airlock/images';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new InputError(`${name} must be a whole number >= 1, got '${value}'`);
    return parsed;
  };
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

interface BuildCli { images?: string; fromLxd?: string[]; output: string; name?: string; version?: string; tar?: boolean }
interface VerifyCli { keyring?: string; trustedKey: string[] }
interface PushCli extends VerifyCli {
  inventory: string[]; limit?: string; dest: string; maxTransfers: number; import?: boolean; insecureSkipSignature?: boolean;
  components?: string; check?: boolean; acceptNewHostKeys?: boolean; fanOut?: boolean; fanOutSeeds: number;
}

async function buildCommand(options: BuildCli): Promise<void> {
  if ((options.images === undefined) === (options.fromLxd === undefined)) throw new InputError('bundle build needs exactly one of --images DIR or --from-lxd ALIAS...');
  const common = {
    outDir: resolve(options.output),
    ...(options.name ? { name: options.name } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.tar ? { tar: true } : {}),
  };
  const result = options.images !== undefined ? await buildFromImages(resolve(options.images), common) : await buildFromLxd(options.fromLxd ?? [], common);
  out(`bundle ${result.manifest.name} ${result.manifest.version}: ${result.dir}${result.tarPath ? ` (and ${result.tarPath})` : ''}`);
  for (const c of result.manifest.components) {
    out(`  ${c.name.padEnd(8)} ${c.upstream_version.padEnd(12)} ${formatBytes(c.size).padStart(10)}  ${c.sha256}${c.signature ? '  (upstream .sig)' : ''}`);
  }
}

async function verifyCommand(path: string, options: VerifyCli): Promise<void> {
  const bundle = await openBundle(path);
  try {
    const report = await verifyBundle(bundle, { ...(options.keyring ? { keyringPath: options.keyring } : {}), trustedKeyPaths: options.trustedKey });
    for (const c of report.manifest.components) out(`  ${c.name.padEnd(8)} ${c.file}  gpg: ${report.imageSignatures[c.name] ?? 'absent'}`);
    out(`  manifest signature: ${report.manifestSignature}${report.manifestSignerKeyId ? ` (key ${report.manifestSignerKeyId})` : ''}`);
    if (report.problems.length > 0) {
      for (const line of formatProblems(report.problems)) process.stderr.write(`airlock: ${line}\n`);
      process.stderr.write(`airlock: bundle ${path} FAILED verification (${report.problems.length} problem(s))\n`);
      process.exitCode = ExitCode.inputError;
      return;
    }
    out(`bundle ${report.manifest.name} ${report.manifest.version}: OK, sizes and sha256 match${report.signed ? ', signed by a trusted key' : ', UNSIGNED (no trusted key or keyring verified it: push will refuse it without --insecure-skip-signature)'}`);
  } finally {
    await bundle.close();
  }
}

function exitCodeFor(results: readonly HostPushResult[]): number {
  if (results.some((r) => r.status === 'failed')) return ExitCode.hostFailed;
  if (results.some((r) => r.status === 'unreachable')) return ExitCode.hostUnreachable;
  return ExitCode.ok;
}

async function pushCommand(path: string, options: PushCli): Promise<void> {
  if (options.inventory.length === 0) throw new InputError('bundle push needs -i INVENTORY');
  const inventory = await loadInventory(options.inventory, { cwd: process.cwd() });
  const hosts = inventory.select(options.limit ?? 'all');
  if (hosts.length === 0) throw new InputError(options.limit ? `--limit '${options.limit}' matches no host of the inventory` : 'the inventory has no hosts');

  // verify on the controller before a single byte leaves it
  const { bundle, report } = await openVerifiedBundle(path, {
    ...(options.keyring ? { keyringPath: options.keyring } : {}),
    trustedKeyPaths: options.trustedKey,
    ...(options.insecureSkipSignature ? { insecureSkipSignature: true } : {}),
  });
  if (!report.signed) process.stderr.write('airlock: WARNING: pushing an UNSIGNED bundle (--insecure-skip-signature); hashes were checked\n');

  const pool = new ConnectionPool({
    ...(options.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
    resolveHostVars: (host) => inventory.hosts.get(host)?.vars,
  });
  const varsOf = (host: string) => inventory.hosts.get(host)?.vars ?? {};
  const abort = new AbortController();
  const onSigint = (): void => abort.abort(new Error('interrupted (partial uploads are kept and resume next time)'));
  process.once('SIGINT', onSigint);
  const view = process.stdout.isTTY ? liveProgress(hosts, out) : plainProgress(out);
  try {
    const common: BundlePushOptions = {
      destDir: options.dest,
      maxTransfers: options.maxTransfers,
      ...(options.components ? { components: options.components.split(',').map((s) => s.trim()).filter((s) => s !== '') } : {}),
      ...(options.import ? { importImages: true } : {}),
      ...(options.check ? { check: true } : {}),
      signal: abort.signal,
      connect: (host) => pool.get(host, varsOf(host)),
      // give the pool a moment to notice the dead connection, then ask for a fresh one
      reconnect: async (host) => {
        await new Promise((r) => setTimeout(r, 1000));
        return pool.get(host, varsOf(host));
      },
      onHostStart: (host, total) => view.hostStarted(host, total),
      onProgress: (host, _component, progress, relay) => view.progress(host, relay === undefined ? progress.bytesSent : progress.bytesDone, relay),
      onHostDone: (result) => view.hostDone(result),
    };
    const results = options.fanOut
      ? await pushBundleFanOut(bundle, hosts, { ...common, seeds: options.fanOutSeeds, target: (host) => fanOutTarget(host, varsOf(host)) })
      : await pushBundle(bundle, hosts, common);
    await view.close();
    const sent = results.reduce((sum, r) => sum + r.bytesSent, 0);
    const count = (status: HostPushResult['status']): number => results.filter((r) => r.status === status).length;
    const received = results.reduce((sum, r) => sum + r.bytesReceived, 0);
    const totals = options.fanOut ? `${formatBytes(sent)} sent by the workstation, ${formatBytes(received)} received by the hosts` : `${formatBytes(sent)} sent`;
    out(`bundle ${bundle.manifest.name} ${bundle.manifest.version}: ${results.length} host(s), ${count('changed')} changed, ${count('ok')} ok, ${count('failed')} failed, ${count('unreachable')} unreachable; ${totals}`);
    process.exitCode = exitCodeFor(results);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await pool.closeAll();
    await bundle.close();
  }
}

export function register(program: Command): void {
  // `bundle build --version V` must reach the subcommand, not print airlock's version: root options are only
  // recognised before the subcommand name (the root has no other options, so nothing else changes).
  program.enablePositionalOptions();
  const bundle = program.command('bundle').description('build, sign, verify and push image bundles for air-gapped hosts');

  bundle.command('build')
    .description('make a bundle (manifest.json + images) from upstream image files or from the local LXD')
    .option('--images <dir>', 'directory of upstream images: MISP_<tag>_<sha>.tar.gz, MySQL_<ver>.tar.gz, ... (+ optional <file>.sig)')
    .option('--from-lxd <alias...>', 'export these images ([component=]alias) from the local LXD')
    .requiredOption('-o, --output <dir>', 'bundle directory to create')
    .option('--name <name>', 'bundle name (default misp)')
    .option('--version <version>', 'bundle version (default: the MISP tag, else the date)')
    .option('--tar', 'also write <dir>.tar')
    .action((options: BuildCli) => buildCommand(options));

  bundle.command('keygen')
    .description('write an ed25519 key pair for signing bundle manifests: KEY (private, 0600) and KEY.pub')
    .requiredOption('-o, --output <key>', 'private key file to create (KEY.pub is written beside it)')
    .action(async (options: { output: string }) => {
      const keys = await generateSigningKey(resolve(options.output));
      out(`private key ${keys.privatePath} (keep it on the signing workstation)\npublic key  ${keys.publicPath} (give it to push/verify with --trusted-key)\nkey id      ${keys.keyId}`);
    });

  bundle.command('sign')
    .description('sign a bundle directory\'s manifest.json with an ed25519 key (writes manifest.json.sig)')
    .argument('<bundle>', 'bundle directory')
    .requiredOption('--key <key>', 'private key from `airlock bundle keygen`')
    .action(async (path: string, options: { key: string }) => {
      const signature = await signBundleDir(resolve(path), resolve(options.key));
      out(`signed ${path}/manifest.json with key ${signature.key_id}`);
    });

  bundle.command('verify')
    .description('check schema, sizes, sha256 and signatures; exit 1 on any problem')
    .argument('<bundle>', 'bundle directory or .tar')
    .option('--keyring <file>', 'OpenPGP keyring (armored or binary) for upstream .sig files')
    .option('--trusted-key <pub>', 'ed25519 public key trusted to sign manifests (repeatable)', collect, [])
    .action((path: string, options: VerifyCli) => verifyCommand(path, options));

  bundle.command('push')
    .description('verify the bundle, then push it to every selected host (resumable, verified on each host)')
    .argument('<bundle>', 'bundle directory or .tar')
    .option('-i, --inventory <file>', 'inventory (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'only hosts matching this pattern')
    .option('--dest <dir>', 'directory on the hosts', DEFAULT_DEST)
    .option('--max-transfers <n>', 'simultaneous file transfers over all hosts', positiveInt('--max-transfers'), 4)
    .option('--components <list>', 'only these components, comma-separated')
    .option('--fan-out', 'send each image from the workstation once; hosts holding a verified copy serve the others over SSH (a key made for this push only)')
    .option('--fan-out-seeds <n>', 'with --fan-out: hosts the workstation serves at once', positiveInt('--fan-out-seeds'), 1)
    .option('--import', 'import each image into the host\'s LXD after the push (alias <component>-<version>)')
    .option('--keyring <file>', 'OpenPGP keyring for upstream .sig files')
    .option('--trusted-key <pub>', 'ed25519 public key trusted to sign manifests (repeatable)', collect, [])
    .option('--insecure-skip-signature', 'push an unsigned bundle (hashes are still checked)')
    .option('--check', 'report what would be sent, change nothing')
    .option('--accept-new-host-keys', 'trust unknown host keys on first use (changed keys are always refused)')
    .action((path: string, options: PushCli) => pushCommand(path, options));
}
