// The controller-side gate every push passes: open the bundle, verify hashes and signatures, refuse an unsigned
// bundle unless the operator explicitly accepts it. Cached per process so that a playbook pushing to 50 hosts
// hashes the images once, not 50 times.
import { stat } from 'node:fs/promises';
import { InputError } from '../util/errors.js';
import { openBundle, type OpenBundle } from './bundle-dir.js';
import { formatProblems, verifyBundle, type VerifyOptions, type VerifyReport } from './verify.js';

export interface GateOptions extends VerifyOptions {
  insecureSkipSignature?: boolean;
}

export interface GatedBundle {
  bundle: OpenBundle;
  report: VerifyReport;
}

const cache = new Map<string, Promise<GatedBundle>>();

/** Throws InputError naming every problem; returns the open bundle when it may be pushed. */
export async function openVerifiedBundle(path: string, options: GateOptions): Promise<GatedBundle> {
  const bundle = await openBundle(path);
  const report = await verifyBundle(bundle, options);
  if (report.problems.length > 0) {
    await bundle.close();
    throw new InputError(`bundle failed verification:\n  ${formatProblems(report.problems).join('\n  ')}`, { file: path });
  }
  if (!report.signed && !options.insecureSkipSignature) {
    await bundle.close();
    throw new InputError(
      'bundle is unsigned (no --trusted-key verified manifest.json.sig and no --keyring verified every image signature); ' +
      'refusing to push. Pass --trusted-key/--keyring, or --insecure-skip-signature to push on hashes alone', { file: path });
  }
  return { bundle, report };
}

/** Same, memoised by path, mtime and options (for the bundle_push module, called once per host). */
export async function cachedVerifiedBundle(path: string, options: GateOptions): Promise<GatedBundle> {
  const info = await stat(path).catch(() => undefined);
  const key = JSON.stringify([path, info?.mtimeMs, options]);
  let entry = cache.get(key);
  if (!entry) {
    entry = openVerifiedBundle(path, options);
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
  }
  return entry;
}
