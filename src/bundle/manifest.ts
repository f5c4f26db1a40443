// The bundle's manifest: what an operator carries across the air gap, described well enough that every host can
// check what it received. Shape is versioned by `format` so that a later airlock can refuse what it cannot read.

export const MANIFEST_FILE = 'manifest.json';
/** ed25519 signature over the exact bytes of manifest.json (see signing.ts). */
export const MANIFEST_SIGNATURE_FILE = 'manifest.json.sig';
export const MANIFEST_FORMAT = 1;

/** Component kinds upstream publishes; other names are allowed in the manifest (custom images) but not parsed from file names. */
export type KnownComponent = 'misp' | 'mysql' | 'valkey' | 'redis' | 'modules';

export interface BundleComponent {
  /** misp | mysql | valkey | redis | modules | <other> */
  name: string;
  /** file name inside the bundle directory (no directories) */
  file: string;
  size: number;
  /** lowercase hex SHA-256 of the file */
  sha256: string;
  /** the fingerprint LXD will report after `lxc image import`; for a unified image it equals sha256 */
  lxd_fingerprint: string;
  upstream_version: string;
  /** upstream commit, when the file name carries one (MISP_<tag>_<sha>) */
  upstream_commit?: string;
  /** upstream's binary GPG detached signature of `file`, inside the bundle directory */
  signature?: string;
}

export interface BundleManifest {
  format: 1;
  name: string;
  version: string;
  /** ISO 8601 time the bundle was built */
  created: string;
  components: BundleComponent[];
}

/** Stable, human-diffable serialisation: this is the byte string the ed25519 signature covers. */
export function serializeManifest(manifest: BundleManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
