// SHA-256 of files in constant memory: images are GiBs, never read them whole.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface HashResult {
  sha256: string;
  size: number;
}

/** Stream a file through SHA-256. Optionally hash several files as one concatenation (LXD split images). */
export async function sha256Files(paths: readonly string[]): Promise<HashResult> {
  const hash = createHash('sha256');
  let size = 0;
  for (const path of paths) {
    // 1 MiB reads: fewer syscalls than the 64 KiB default, still constant memory
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      size += bytes.length;
    }
  }
  return { sha256: hash.digest('hex'), size };
}

export async function sha256File(path: string): Promise<HashResult> {
  return sha256Files([path]);
}
