// Hosts of one batch join one fan-out: it starts once all joined (or after a quiet window), exactly once, and each
// host gets its own result; a host that never comes does not hold the others forever.
import { expect } from 'chai';
import { joinFanOut, type GatherMember } from '../../../src/bundle/fanout-gather.js';
import type { HostPushResult } from '../../../src/bundle/push.js';
import type { Connection } from '../../../src/connection/types.js';

function member(host: string): GatherMember {
  const conn = { host } as unknown as Connection;
  return { host, conn, reconnect: async () => conn, target: { address: host, port: 22, user: 'root', direct: false } };
}

function result(host: string): HostPushResult {
  return { host, status: 'changed', files: [], bytesSent: 0, bytesReceived: 1, skipped: 0, durationMs: 1 };
}

describe('bundle/fanout-gather', () => {
  it('starts one fan-out when every host of the batch joined; each host gets its own result', async () => {
    const starts: string[][] = [];
    const start = async (members: readonly GatherMember[]): Promise<HostPushResult[]> => {
      starts.push(members.map((m) => m.host));
      return members.map((m) => result(m.host));
    };
    const got = await Promise.all(['a', 'b', 'c'].map((h) => joinFanOut('k1', ['a', 'b', 'c'], member(h), start, 60_000)));
    expect(starts).to.deep.equal([['a', 'b', 'c']]);
    expect(got.map((r) => r?.host)).to.deep.equal(['a', 'b', 'c']);
  });

  it('a host of the batch that never joins (skipped by when) delays the others by the window only', async () => {
    const started = Date.now();
    const got = await Promise.all(['a', 'b'].map((h) => joinFanOut('k2', ['a', 'b', 'skipped'], member(h), async (members) => members.map((m) => result(m.host)), 100)));
    expect(got.map((r) => r?.host)).to.deep.equal(['a', 'b']);
    expect(Date.now() - started).to.be.lessThan(2000);
  });
});
