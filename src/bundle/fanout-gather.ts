// A fan-out from a playbook: the bundle_push module runs once per host, but a fan-out needs the hosts together. The
// hosts of one batch that run the same push join one gathering; it starts when every host of the batch joined, or
// when none joined for a short while (hosts skipped by `when`, or beyond --forks, never join), and each host's task
// gets its own result. A host arriving after the start begins a gathering of its own.
import type { Connection } from '../connection/types.js';
import type { HostPushResult } from './push.js';
import type { FanOutTarget } from './fanout.js';

export interface GatherMember {
  host: string;
  conn: Connection;
  reconnect: () => Promise<Connection>;
  target: FanOutTarget;
}

interface Gathering {
  members: Map<string, GatherMember>;
  expected: ReadonlySet<string>;
  timer?: NodeJS.Timeout;
  started: boolean;
  /** settles once the fan-out of this gathering ended */
  results: Promise<Map<string, HostPushResult>>;
  settle: (results: Promise<HostPushResult[]>) => void;
}

const gatherings = new Map<string, Gathering>();

/** How long a gathering waits for one more host before it starts with those it has. */
export const GATHER_WINDOW_MS = 2000;

function newGathering(expected: readonly string[]): Gathering {
  let settle: Gathering['settle'] = () => undefined;
  const results = new Promise<Map<string, HostPushResult>>((resolve, reject) => {
    settle = (pending) => pending.then((list) => resolve(new Map(list.map((r) => [r.host, r]))), reject);
  });
  return { members: new Map(), expected: new Set(expected), started: false, results, settle };
}

export async function joinFanOut(
  key: string,
  expected: readonly string[],
  member: GatherMember,
  start: (members: readonly GatherMember[]) => Promise<HostPushResult[]>,
  windowMs = GATHER_WINDOW_MS,
): Promise<HostPushResult | undefined> {
  const g = gatherings.get(key) ?? newGathering(expected);
  gatherings.set(key, g);
  if (g.started) return undefined;
  g.members.set(member.host, member);
  const launch = (): void => {
    if (g.started) return;
    g.started = true;
    clearTimeout(g.timer);
    // the next run (or a later batch) of the same push gathers afresh
    gatherings.delete(key);
    g.settle(start([...g.members.values()]));
  };
  clearTimeout(g.timer);
  if ([...g.expected].every((host) => g.members.has(host))) launch();
  else g.timer = setTimeout(launch, windowMs);
  return (await g.results).get(member.host);
}
