// The two strategies. linear: every host finishes a task before any host starts the next (runTaskList's lockstep).
// free: every host runs through the list on its own, as fast as it can; only the forks cap is shared.
import type { Task } from '../playbook/types.js';
import { runTaskList } from './block.js';
import type { HostState } from './host-state.js';
import { rootFrame, type PlayRuntime } from './runtime.js';

/** Run one play section; returns the hosts that failed in it (already marked failed). */
export async function runSection(rt: PlayRuntime, tasks: Task[], hosts: HostState[]): Promise<Set<HostState>> {
  if (rt.play.strategy === 'free') {
    const perHost = await Promise.all(hosts.map((host) => runTaskList(rt, tasks, [host], rootFrame())));
    return new Set(perHost.flatMap((failed) => [...failed]));
  }
  return runTaskList(rt, tasks, hosts, rootFrame());
}
