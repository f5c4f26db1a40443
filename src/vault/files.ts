// How ansible-vault reads its inputs and writes its outputs (VaultEditor.read_data / write_data):
// `-` is stdin/stdout; a file written is created anew with mode 0600 (after the old one is removed - shredded
// first when it held plaintext that is being replaced by ciphertext), never truncated in place.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, open, readFile, rename, unlink } from 'node:fs/promises';
import { InputError } from '../util/errors.js';
import { readAllStdin } from './prompt.js';

export async function readInput(path: string): Promise<Buffer> {
  if (path === '-') return readAllStdin();
  try {
    return await readFile(path);
  } catch (error) {
    throw new InputError(`unable to read source file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: path });
  }
}

/** Overwrites a file with random bytes (3 passes, synced) before removing it, as ansible-vault's fallback shred. */
export async function shredFile(path: string): Promise<void> {
  if (!existsSync(path) || !statSync(path).isFile()) return;
  const size = statSync(path).size;
  if (size > 0) {
    const handle = await open(path, 'r+');
    try {
      for (let pass = 0; pass < 3; pass += 1) {
        for (let offset = 0; offset < size; offset += 1024 * 1024) {
          const chunk = randomBytes(Math.min(1024 * 1024, size - offset));
          await handle.write(chunk, 0, chunk.length, offset);
        }
        await handle.sync();
      }
    } finally {
      await handle.close();
    }
  }
  await unlink(path);
}

/** `shred`: the file being replaced held plaintext (encrypting in place), so it is overwritten before removal. */
export async function writeOutput(data: Buffer | string, path: string, options: { shred: boolean }): Promise<void> {
  if (path === '-') {
    process.stdout.write(data);
    return;
  }
  if (existsSync(path) && statSync(path).isFile()) {
    if (options.shred) await shredFile(path);
    else await unlink(path);
  }
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'EEXIST' ? 'the vault file was recreated while airlock was writing it' : `cannot create the vault file: ${code ?? (error as Error).message}`, { file: path });
  }
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/** Replaces `dest` by `src` (a file airlock just wrote), keeping dest's mode when it existed (shuffle_files). */
export async function replaceKeepingMode(src: string, dest: string): Promise<void> {
  const previous = existsSync(dest) ? statSync(dest).mode & 0o7777 : undefined;
  await rename(src, dest);
  if (previous !== undefined) await chmod(dest, previous);
}
