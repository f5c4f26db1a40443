// The one way airlock reads an input file (playbook, inventory, vars file, role file, -e @file, bundle manifest,
// key, host list): only a regular file, at most the configured size, and, for text, valid UTF-8.
// The type is checked with fstat on the descriptor that is then read (no window between a check and the open), and
// the open is non-blocking, so a FIFO answers at once instead of waiting for a writer; directories, devices
// (/dev/zero), sockets and FIFOs are refused by name before a byte is read.
import { constants, fstatSync, openSync, readSync, closeSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { InputError, type SourceLocation } from './errors.js';
import { inputLimits, limitNote } from './limits.js';

export interface InputFileOptions {
  /** what the file is, for the message: "playbook", "inventory source", "private key" ... (default "file") */
  what?: string;
  /** refuse a symbolic link instead of following it (bundle files: nothing outside the bundle is read) */
  noFollow?: boolean;
  /** where the file was named (an import, a vars_files entry), when that is a better place to point at */
  namedAt?: SourceLocation;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
};

/** At the place the file was named, the message names the file; else the file itself is the place. */
function fail(path: string, options: InputFileOptions, reason: string, cause?: unknown): InputError {
  const what = options.what ?? 'file';
  const message = options.namedAt === undefined ? `cannot read ${what}: ${reason}` : `cannot read ${what} ${path}: ${reason}`;
  return new InputError(message, options.namedAt ?? { file: path }, cause === undefined ? undefined : { cause });
}

function openFailure(path: string, options: InputFileOptions, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  if (code === 'ELOOP') {
    return fail(path, options, options.noFollow ? 'is a symbolic link (not followed here)' : 'too many levels of symbolic links (a link loop?)', error);
  }
  return fail(path, options, `${REASONS[code] ?? 'cannot open'} (${code})`, error);
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Everything that can be said about the open file before reading it; throws the refusal, if any. */
function checkOpened(path: string, options: InputFileOptions, info: Stats): void {
  if (!info.isFile()) throw fail(path, options, `is ${kindOf(info)}, only regular files are read`);
  const limit = inputLimits().fileBytes;
  if (info.size > limit) throw fail(path, options, `is ${info.size} bytes, larger than allowed: ${limitNote('fileBytes', limit)}`);
}

function tooLongWhileReading(path: string, options: InputFileOptions): InputError {
  return fail(path, options, `grew past the size limit while being read: ${limitNote('fileBytes', inputLimits().fileBytes)}`);
}

/** The bytes of a regular file, at most the size limit. */
export async function readInputBytes(path: string, options: InputFileOptions = {}): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    throw openFailure(path, options, error);
  }
  try {
    checkOpened(path, options, await handle.stat());
    const limit = inputLimits().fileBytes;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooLongWhileReading(path, options);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fail(path, options, `${REASONS[(error as NodeJS.ErrnoException).code ?? ''] ?? 'read error'} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
  } finally {
    await handle.close();
  }
}

/** readInputBytes for the few callers that are synchronous (--limit @FILE patterns). */
export function readInputBytesSync(path: string, options: InputFileOptions = {}): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    throw openFailure(path, options, error);
  }
  try {
    checkOpened(path, options, fstatSync(fd));
    const limit = inputLimits().fileBytes;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooLongWhileReading(path, options);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** Byte offset of the first byte that is not part of a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    if (length > 1 && !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length;
}

/** Text as UTF-8 (a BOM dropped); anything else is an error at the line and column of the first bad byte. */
export function decodeUtf8(bytes: Buffer, path: string, options: InputFileOptions = {}): string {
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, offset);
    const lineStart = before.lastIndexOf(0x0a) + 1;
    const line = before.reduce((count, byte) => (byte === 0x0a ? count + 1 : count), 1);
    const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
    const column = Buffer.from(bytes.subarray(lineStart, offset)).toString('utf8').length + 1;
    throw new InputError(`${options.what ?? 'file'} is not valid UTF-8: byte 0x${byte} at byte offset ${offset} (save the file as UTF-8; Latin-1 and other encodings are not guessed)`, { file: path, line, column });
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A text input file: readInputBytes, then decodeUtf8. */
export async function readInputText(path: string, options: InputFileOptions = {}): Promise<string> {
  return decodeUtf8(await readInputBytes(path, options), path, options);
}

export function readInputTextSync(path: string, options: InputFileOptions = {}): string {
  return decodeUtf8(readInputBytesSync(path, options), path, options);
}
