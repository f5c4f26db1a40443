// Preloaded into each hostile case's airlock process (`node --import`): as the process exits it writes its peak RSS
// (VmHWM, kB) to the file HOSTILE_RSS_OUT names. Only the process itself can read its own high-water mark.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env['HOSTILE_RSS_OUT'];
if (out !== undefined) {
  process.on('exit', () => {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    writeFileSync(out, match?.[1] ?? '0');
  });
}
