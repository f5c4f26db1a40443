// bundle_push: push a verified image bundle from the controller to this host (resumable, verified on the host,
// skipped when LXD already has the image). The bundle is verified once per run on the controller (cached).
import { sh } from '../util/shell.js';
import { cachedVerifiedBundle } from '../bundle/gate.js';
import { pushToHost, remoteManifestName, selectComponents, type HostPushResult } from '../bundle/push.js';
import type { BundleComponent } from '../bundle/manifest.js';
import type { OpenBundle } from '../bundle/bundle-dir.js';
import { pushBundleFanOut } from '../bundle/fanout.js';
import { fanOutTarget } from '../bundle/fanout-target.js';
import { joinFanOut } from '../bundle/fanout-gather.js';
import { InputError } from '../util/errors.js';
import { failOnArgError, ModuleArgError, optionalBool, optionalString, requireString } from './lib/common.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './lib/types.js';

const MODULE = 'bundle_push';

function stringList(args: Record<string, unknown>, name: string): string[] | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ModuleArgError(MODULE, `'${name}' must be a list of strings`);
}

/**
 * With keep: false, files in dest that belong to no part of this bundle (older images, manifests, partial uploads)
 * are removed after a successful push. Only image-like names are touched, never other files an operator put there.
 */
export function pruneCommand(destDir: string, keepFiles: readonly string[]): string {
  const keepTests = keepFiles.map((file) => sh`[ "$f" = ${file} ] && continue;`).join(' ');
  return sh`cd ${destDir} && for f in *.tar.gz *.tar.xz *.part *.sig *.manifest.json; do [ -f "$f" ] || continue; ` + keepTests + ' rm -f -- "$f"; echo "$f"; done';
}

/**
 * fan_out: the batch's hosts running this same push join one fan-out (src/bundle/fanout-gather.ts); undefined when
 * this host came too late for it (the caller pushes directly).
 */
function fanOutPush(ctx: ModuleContext, bundlePath: string, bundle: OpenBundle, components: readonly BundleComponent[], dest: string): Promise<HostPushResult | undefined> {
  const batchVar = ctx.vars['ansible_play_batch'];
  const batch = Array.isArray(batchVar) && batchVar.every((h) => typeof h === 'string') ? batchVar as string[] : [ctx.host];
  const key = JSON.stringify([ctx.runId, bundlePath, dest, components.map((c) => c.name), batch]);
  return joinFanOut(key, batch, { host: ctx.host, conn: ctx.conn, reconnect: () => ctx.reconnect(), target: fanOutTarget(ctx.host, ctx.vars) }, (members) => {
    const byHost = new Map(members.map((m) => [m.host, m]));
    const member = (host: string) => byHost.get(host) as (typeof members)[number];
    return pushBundleFanOut(bundle, members.map((m) => m.host), {
      destDir: dest, maxTransfers: members.length, signal: ctx.signal,
      connect: async (host) => member(host).conn,
      reconnect: (host) => member(host).reconnect(),
      target: (host) => member(host).target,
    });
  });
}

export const bundlePushModule: ModuleDefinition = {
  name: MODULE,
  argsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['bundle', 'dest'],
    properties: {
      bundle: { type: 'string' },
      dest: { type: 'string' },
      components: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      keep: { type: 'boolean' },
      trusted_keys: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      keyring: { type: 'string' },
      insecure_skip_signature: { type: 'boolean' },
      fan_out: { type: 'boolean' },
    },
  },
  run: (args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult> =>
    failOnArgError(async () => {
      const bundlePath = ctx.findFile(requireString(MODULE, args, 'bundle'), 'files');
      const dest = requireString(MODULE, args, 'dest');
      const keyring = optionalString(MODULE, args, 'keyring');
      const trustedKeys = stringList(args, 'trusted_keys');
      let gated;
      try {
        gated = await cachedVerifiedBundle(bundlePath, {
          ...(keyring ? { keyringPath: keyring } : {}),
          ...(trustedKeys ? { trustedKeyPaths: trustedKeys } : {}),
          insecureSkipSignature: optionalBool(MODULE, args, 'insecure_skip_signature', false),
        });
      } catch (error) {
        if (error instanceof InputError) throw new ModuleArgError(MODULE, error.message);
        throw error;
      }
      const { bundle } = gated;
      let components;
      try {
        components = selectComponents(bundle, stringList(args, 'components'));
      } catch (error) {
        if (error instanceof InputError) throw new ModuleArgError(MODULE, error.message);
        throw error;
      }
      // a link that drops mid-transfer is reconnected and the upload resumed, as `airlock bundle push` does
      const direct = (): Promise<HostPushResult> => pushToHost(ctx.host, bundle, components, {
        destDir: dest, maxTransfers: 1, check: ctx.check, signal: ctx.signal, connect: async () => ctx.conn,
        reconnect: () => ctx.reconnect(),
      }, (send) => send());
      const fanOut = optionalBool(MODULE, args, 'fan_out', false) && !ctx.check;
      const result = (fanOut ? await fanOutPush(ctx, bundlePath, bundle, components, dest) : undefined) ?? await direct();
      if (result.status === 'unreachable' || result.status === 'failed') {
        return { changed: result.bytesSent > 0, failed: true, msg: result.error ?? 'push failed', data: { bytes_sent: result.bytesSent } };
      }
      let pruned: string[] = [];
      if (!optionalBool(MODULE, args, 'keep', true) && !ctx.check) {
        const keepFiles = [...components.flatMap((c) => (c.signature ? [c.file, c.signature] : [c.file])), remoteManifestName(bundle)];
        const conn = await ctx.reconnect();
        const prune = await conn.exec(pruneCommand(dest, keepFiles), { env: ctx.env, ...(ctx.become ? { become: ctx.become } : {}) });
        pruned = prune.stdout.split('\n').filter((line) => line !== '');
      }
      const sent = result.files.filter((f) => f.outcome.status !== 'skipped').map((f) => f.component);
      return {
        changed: result.status === 'changed' || pruned.length > 0,
        msg: sent.length === 0 ? 'every image already on the host' : `${ctx.check ? 'would send' : 'sent'} ${sent.join(', ')}`,
        data: {
          bytes_sent: result.bytesSent,
          bytes_received: result.bytesReceived,
          files: result.files.map((f) => ({
            component: f.component, file: f.file, status: f.outcome.status, skip_reason: f.outcome.skipReason ?? null, bytes_sent: f.outcome.bytesSent,
            bytes_received: f.bytesReceived, source: f.relay ?? (f.outcome.status === 'sent' ? 'workstation' : null), relay_failures: f.relayFailures ?? [],
          })),
          pruned,
        },
      };
    }),
};
