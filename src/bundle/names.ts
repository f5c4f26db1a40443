// Upstream's image file names carry the component and its version (images.misp-project.org, build.sh):
// MISP_<tag>_<sha>.tar.gz, MySQL_<ver>.tar.gz, Valkey_<ver>.tar.gz, Redis_<ver>.tar.gz, Modules_<ver>.tar.gz.
import type { KnownComponent } from './manifest.js';

export interface ParsedImageName {
  component: KnownComponent;
  upstreamVersion: string;
  upstreamCommit?: string;
}

const VERSION = '([0-9A-Za-z][0-9A-Za-z.+~-]*)';
const patterns: ReadonlyArray<{ component: KnownComponent; regex: RegExp }> = [
  { component: 'misp', regex: new RegExp(`^MISP_${VERSION}_([0-9a-f]{7,40})\\.tar\\.gz$`) },
  { component: 'mysql', regex: new RegExp(`^MySQL_${VERSION}\\.tar\\.gz$`) },
  { component: 'valkey', regex: new RegExp(`^Valkey_${VERSION}\\.tar\\.gz$`) },
  { component: 'redis', regex: new RegExp(`^Redis_${VERSION}\\.tar\\.gz$`) },
  { component: 'modules', regex: new RegExp(`^Modules_${VERSION}\\.tar\\.gz$`) },
];

export const EXPECTED_NAMES = 'MISP_<tag>_<commit>.tar.gz, MySQL_<ver>.tar.gz, Valkey_<ver>.tar.gz, Redis_<ver>.tar.gz or Modules_<ver>.tar.gz';

/** Component and version from an upstream image file name, or undefined when the name is not one of upstream's. */
export function parseImageName(fileName: string): ParsedImageName | undefined {
  for (const { component, regex } of patterns) {
    const match = regex.exec(fileName);
    if (!match) continue;
    const upstreamVersion = match[1] ?? '';
    return match[2] === undefined ? { component, upstreamVersion } : { component, upstreamVersion, upstreamCommit: match[2] };
  }
  return undefined;
}

/** A detached signature that belongs to an image: `<file>.sig`. */
export function isSignatureName(fileName: string): boolean {
  return fileName.endsWith('.sig');
}
