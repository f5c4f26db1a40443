// Byte counting for the local connection's streamed copies: reports the bytes of the file now on the destination (a
// resumed prefix included) once before the first chunk and after every chunk. (The SSH upload counts the writes the
// host acknowledged instead: src/connection/sftp-upload.ts.)
import { Transform } from 'node:stream';
import type { PutFileOptions } from './types.js';

export function progressCounter(offset: number, total: number, onProgress: PutFileOptions['onProgress']): Transform {
  let bytesDone = offset;
  onProgress?.({ bytesDone, bytesTotal: total });
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytesDone += chunk.length;
      onProgress?.({ bytesDone, bytesTotal: total });
      callback(null, chunk);
    },
  });
}
