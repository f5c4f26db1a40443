// Every command the bundle code runs on a host, built with src/util/shell.ts in small pure functions so that unit
// tests can assert the exact command lines (pyinfra style).
import { sh } from '../util/shell.js';

/**
 * One round trip that tells the transfer where it stands on a host: whether LXD already holds the image, the size of
 * the final file and of a partial upload, and the free bytes on the filesystem that will hold the destination
 * (the nearest existing ancestor when the directory does not exist yet). Output: `key=value` lines.
 */
export function probeCommand(destDir: string, finalPath: string, partPath: string, lxdFingerprint: string | undefined): string {
  const lxd = lxdFingerprint === undefined
    ? 'echo lxd=0'
    : sh`if command -v lxc >/dev/null 2>&1 && lxc image info ${lxdFingerprint} >/dev/null 2>&1; then echo lxd=1; else echo lxd=0; fi`;
  return [
    lxd,
    sh`echo final=$(stat -c %s ${finalPath} 2>/dev/null || echo -)`,
    sh`echo part=$(stat -c %s ${partPath} 2>/dev/null || echo -)`,
    sh`d=${destDir}; while [ ! -d "$d" ]; do d=$(dirname "$d"); done; echo avail=$(df -PB1 "$d" | awk 'NR==2 {print $4}')`,
  ].join('; ');
}

export interface ProbeResult {
  lxdHasImage: boolean;
  finalSize: number | undefined;
  partSize: number | undefined;
  availableBytes: number | undefined;
}

export function parseProbe(stdout: string): ProbeResult {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const size = (key: string): number | undefined => {
    const text = values.get(key);
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
  };
  return { lxdHasImage: values.get('lxd') === '1', finalSize: size('final'), partSize: size('part'), availableBytes: size('avail') };
}

export function mkdirCommand(dir: string): string {
  return sh`mkdir -p ${dir}`;
}

/**
 * sha256 computed ON the host: proves what landed on its disk, not what we think we sent. OpenSSL's digest uses the
 * CPU's SHA extensions where coreutils' sha256sum does not: measured on a lab host, 0.26 s vs 0.65 s for 256 MiB, and
 * a push hashes every byte it sends. Both print `<hex> <name>`; sha256sum is the fallback on hosts without openssl.
 */
export function sha256Command(path: string): string {
  return sh`if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r ${path}; else sha256sum ${path}; fi`;
}

export function parseSha256(stdout: string): string | undefined {
  const match = /^([0-9a-f]{64})\b/.exec(stdout.trim());
  return match?.[1];
}

/** Atomic on one filesystem: the final name only ever holds a complete, verified file. */
export function renameCommand(from: string, to: string): string {
  return sh`mv -f ${from} ${to}`;
}

export function removeCommand(path: string): string {
  return sh`rm -f ${path}`;
}
