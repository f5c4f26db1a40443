import { expect } from 'chai';
import { plainProgress, resultLine } from '../../../src/bundle/progress.js';
import type { HostPushResult } from '../../../src/bundle/push.js';

describe('bundle/progress: what the operator reads', () => {
  const base: HostPushResult = { host: 'h1', status: 'changed', files: [], bytesReceived: 0, bytesSent: 100 * 1024 * 1024, skipped: 0, durationMs: 4000 };

  it('a result line gives status, bytes, files sent/skipped, duration and rate', () => {
    expect(resultLine(base)).to.equal('h1: changed, 100 MiB sent (0 sent, 0 skipped), 4.0 s, 25.0 MiB/s');
    expect(resultLine({ ...base, status: 'failed', bytesSent: 0, error: 'needs 3.0 MiB, has 1.0 MiB free on /d' }))
      .to.equal('h1: failed, 0 B sent (0 sent, 0 skipped), 4.0 s, 0 B/s: needs 3.0 MiB, has 1.0 MiB free on /d');
  });

  it('plain mode prints each quarter once, then the result', () => {
    const lines: string[] = [];
    const view = plainProgress((line) => lines.push(line));
    view.hostStarted('h1', 400);
    for (const sent of [50, 100, 120, 210, 399, 400]) view.progress('h1', sent);
    view.hostDone({ ...base, bytesSent: 400 });
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).to.deep.equal(['h1: 25%', 'h1: 50%', 'h1: 75%', 'h1: changed,']);
  });
});
