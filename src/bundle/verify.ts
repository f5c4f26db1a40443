// `airlock bundle verify` and the controller-side gate before any push: schema, sizes, SHA-256 and signatures,
// each problem naming the component, the file, and expected vs actual. Hashes are always checked; signatures
// only make a bundle "signed" when checked against keys the operator trusts.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Key } from 'openpgp';
import { readInputText } from '../util/input-file.js';
import { sha256File } from './hash.js';
import { loadKeyring, verifyDetachedSignature } from './gpg.js';
import { MANIFEST_SIGNATURE_FILE, type BundleManifest } from './manifest.js';
import { loadPublicKey, parseSignature, verifyManifestBytes } from './signing.js';
import type { OpenBundle } from './bundle-dir.js';

export interface VerifyOptions {
  /** OpenPGP keyring (armored or binary) for upstream's per-image `.sig` files */
  keyringPath?: string;
  /** ed25519 public keys (PEM) trusted to sign manifest.json */
  trustedKeyPaths?: readonly string[];
}

export interface VerifyProblem {
  component?: string;
  file: string;
  message: string;
}

export type SignatureState = 'verified' | 'bad' | 'absent' | 'not_checked';

export interface VerifyReport {
  manifest: BundleManifest;
  problems: VerifyProblem[];
  manifestSignature: SignatureState;
  manifestSignerKeyId?: string;
  /** per component name */
  imageSignatures: Record<string, SignatureState>;
  /** true when a trusted key vouches for every image: a verified manifest signature, or a verified GPG signature on each image */
  signed: boolean;
}

async function checkManifestSignature(bundle: OpenBundle, keys: readonly KeyObject[], problems: VerifyProblem[]): Promise<{ state: SignatureState; keyId?: string }> {
  const sigPath = join(bundle.dir, MANIFEST_SIGNATURE_FILE);
  let text: string;
  try {
    text = await readInputText(sigPath, { what: 'manifest signature', noFollow: true });
  } catch (error) {
    if ((error as { cause?: NodeJS.ErrnoException }).cause?.code !== 'ENOENT') {
      problems.push({ file: MANIFEST_SIGNATURE_FILE, message: (error as Error).message });
      return { state: 'bad' };
    }
    if (keys.length > 0) problems.push({ file: MANIFEST_SIGNATURE_FILE, message: 'missing: a trusted key was given but the manifest is not signed' });
    return { state: 'absent' };
  }
  if (keys.length === 0) return { state: 'not_checked' };
  try {
    const check = verifyManifestBytes(bundle.manifestBytes, parseSignature(text, sigPath), keys);
    if (check.ok) return { state: 'verified', keyId: check.keyId };
    problems.push({ file: MANIFEST_SIGNATURE_FILE, message: `bad manifest signature: ${check.reason}` });
  } catch (error) {
    problems.push({ file: MANIFEST_SIGNATURE_FILE, message: (error as Error).message });
  }
  return { state: 'bad' };
}

export async function verifyBundle(bundle: OpenBundle, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const trustedKeys = await Promise.all((options.trustedKeyPaths ?? []).map(loadPublicKey));
  const keyring: Key[] | undefined = options.keyringPath ? await loadKeyring(options.keyringPath) : undefined;

  const manifestCheck = await checkManifestSignature(bundle, trustedKeys, problems);
  const imageSignatures: Record<string, SignatureState> = {};

  for (const component of bundle.manifest.components) {
    const path = join(bundle.dir, component.file);
    const problem = (message: string): void => {
      problems.push({ component: component.name, file: component.file, message });
    };
    let size: number;
    try {
      // lstat: a link is never followed out of the bundle (openBundle refused links already; this holds if one appeared since)
      const info = await lstat(path);
      if (!info.isFile()) {
        problem('not a regular file (links and special files are refused)');
        imageSignatures[component.name] = 'not_checked';
        continue;
      }
      size = info.size;
    } catch {
      problem('missing from the bundle');
      imageSignatures[component.name] = 'not_checked';
      continue;
    }
    if (size !== component.size) {
      // a truncated copy is the common case: say so before spending minutes hashing it
      problem(`size mismatch: expected ${component.size} bytes, found ${size}`);
    } else {
      const { sha256 } = await sha256File(path);
      if (sha256 !== component.sha256) problem(`sha256 mismatch: expected ${component.sha256}, actual ${sha256}`);
    }

    if (!component.signature) {
      imageSignatures[component.name] = 'absent';
    } else if (!keyring) {
      imageSignatures[component.name] = 'not_checked';
    } else {
      const check = await verifyDetachedSignature(path, join(bundle.dir, component.signature), keyring);
      imageSignatures[component.name] = check.ok ? 'verified' : 'bad';
      if (!check.ok) problem(`bad GPG signature ${component.signature}: ${check.reason}`);
    }
  }

  const everyImageGpgVerified = bundle.manifest.components.every((component) => imageSignatures[component.name] === 'verified');
  return {
    manifest: bundle.manifest,
    problems,
    manifestSignature: manifestCheck.state,
    ...(manifestCheck.keyId ? { manifestSignerKeyId: manifestCheck.keyId } : {}),
    imageSignatures,
    signed: problems.length === 0 && (manifestCheck.state === 'verified' || everyImageGpgVerified),
  };
}

/** One line per problem, ready for the terminal. */
export function formatProblems(problems: readonly VerifyProblem[]): string[] {
  return problems.map((p) => (p.component ? `component ${p.component} (${p.file}): ${p.message}` : `${p.file}: ${p.message}`));
}
