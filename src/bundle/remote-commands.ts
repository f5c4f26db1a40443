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

/** The hash program as one pipeline element: OpenSSL where present (see sha256Command), else coreutils. */
const HASH_STDIN = 'if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r; else sha256sum; fi';

/**
 * Receive one file on its stdin and verify it while it arrives: the bytes are appended to `partPath` and fed to the
 * hash at the same time (tee), the resumed prefix already on disk hashed first, so that when the last byte lands
 * only the hash's final block is left to compute instead of a second pass over the whole file. Only a file whose
 * size and SHA-256 match gets its final name (mv, atomic on one filesystem): the final name never holds a partial
 * or unverified file. A mismatch deletes the partial file (its bytes are wrong somewhere, no prefix is trustworthy);
 * a short stream (the link or the sender died) keeps it, a contiguous prefix, for the next attempt to resume.
 * Output (key=value lines, parsed by parseReceive): received=<bytes on disk>, sha256=<hex>, verdict=ok|short|mismatch.
 * Only coreutils (head, tee, truncate, stat) and openssl/sha256sum: nothing to install on a host.
 */
export function receiveCommand(partPath: string, finalPath: string, offset: number, size: number, sha256: string): string {
  return receiveSteps(partPath, finalPath, offset, size, sha256).join('\n');
}

/** How long a receive waits for an earlier receive into the same directory (still draining a dead link) to end. */
export const RECEIVE_LOCK_WAIT_S = 600;

/**
 * The receive command as separate complete commands (joined by newlines for an exec channel, by `; ` where the
 * command must fit on one line, as in an authorized_keys `command=`).
 */
export function receiveSteps(partPath: string, finalPath: string, offset: number, size: number, sha256: string): string[] {
  return [
    sh`p=${partPath}; f=${finalPath}`,
    // After a link drop the receive of the dead connection may still be appending to .part when a new one (from the
    // workstation or another relay) starts: the directory lock makes the newcomer wait until the old one ended, so
    // two writers never interleave. flock is util-linux (essential on Debian); without it, no lock.
    sh`exec 9<"$(dirname "$p")"; if command -v flock >/dev/null 2>&1; then flock -w ${RECEIVE_LOCK_WAIT_S} 9 || { echo "another receive into $(dirname "$p") still held its lock after ${RECEIVE_LOCK_WAIT_S} s" >&2; exit 8; }; fi`,
    // the caller resumes from the probe's size; a prefix shorter than that (removed since) cannot be resumed
    sh`have=$(stat -c %s "$p" 2>/dev/null || echo 0); [ "$have" -ge ${offset} ] || { echo "partial file has $have bytes, fewer than the resume offset ${offset}" >&2; exit 3; }`,
    sh`truncate -s ${offset} "$p"`,
    // no `head -c` on the stream: measured on 8 lab hosts, one more process copying every byte made the push 50%
    // slower (15.8 s against 10.7 s for 256 MiB each); the sender's end of file ends it, and the size is checked
    sh`h=$( { head -c ${offset} "$p"; tee -a "$p"; } | { ` + HASH_STDIN + '; } ) || exit 4',
    'got=$(stat -c %s "$p")',
    'h=${h%% *}',
    'echo "received=$got"; echo "sha256=$h"',
    // more bytes than the image has cannot be it: nothing of it is worth resuming from
    sh`if [ "$got" -gt ${size} ]; then rm -f "$p"; echo verdict=mismatch; exit 6; fi`,
    sh`if [ "$got" != ${size} ]; then echo verdict=short; exit 5; fi`,
    sh`if [ "$h" != ${sha256} ]; then rm -f "$p"; echo verdict=mismatch; exit 6; fi`,
    'mv -f "$p" "$f" && echo verdict=ok',
  ];
}

export interface ReceiveResult {
  /** bytes of the partial file on the host when the stream ended */
  received: number | undefined;
  sha256: string | undefined;
  verdict: 'ok' | 'short' | 'mismatch' | undefined;
}

/** The receive command's report. Host output: only exact forms are believed, anything else reads as undefined. */
export function parseReceive(stdout: string): ReceiveResult {
  let received: number | undefined;
  let sha256: string | undefined;
  let verdict: ReceiveResult['verdict'];
  for (const line of stdout.split('\n')) {
    const [key, value = ''] = line.trim().split('=', 2);
    if (key === 'received' && /^\d{1,16}$/.test(value)) received = Number(value);
    else if (key === 'sha256' && /^[0-9a-f]{64}$/.test(value)) sha256 = value;
    else if (key === 'verdict' && (value === 'ok' || value === 'short' || value === 'mismatch')) verdict = value;
  }
  return { received, sha256, verdict };
}
