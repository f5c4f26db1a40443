// Byte counting for streamed uploads, shared by the ssh and local connections: reports the bytes of the file now on
// the destination (a resumed prefix included) once before the first chunk and after every chunk.
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
