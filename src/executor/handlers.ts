// Handlers: notified by changed tasks, run at the end of each play section and on `meta: flush_handlers`, each
// notified handler once per host, in the order the handlers are defined (not the order of notification), answering
// to their name, to `role : name`, and to their `listen` topics. Handlers may notify later handlers in the same flush.
import { handlerNames } from '../playbook/task-refs.js';
import { runActionOnHosts } from './actions.js';
import type { HostState } from './host-state.js';
import { rootFrame, stopped, type PlayRuntime } from './runtime.js';


function mayRunHandlers(rt: PlayRuntime, host: HostState): boolean {
  if (host.status === 'active') return true;
  return host.status === 'failed' && (rt.options.forceHandlers || rt.play.forceHandlers);
}

/** Run what is notified on these hosts; returns the hosts whose handler failed. */
export async function flushHandlers(rt: PlayRuntime, hosts: HostState[]): Promise<Set<HostState>> {
  const failed = new Set<HostState>();
  const ran = new Map<HostState, Set<string>>();
  for (const handler of rt.handlers) {
    if (stopped(rt) && !(rt.options.forceHandlers || rt.play.forceHandlers)) break;
    const names = handlerNames(handler);
    const targets = hosts.filter((host) => mayRunHandlers(rt, host) && !failed.has(host) && names.some((name) => host.notified.has(name)));
    if (targets.length === 0) continue;
    for (const host of targets) {
      const done = ran.get(host) ?? new Set<string>();
      names.forEach((name) => done.add(name));
      ran.set(host, done);
    }
    for (const host of await runActionOnHosts(rt, handler, targets, rootFrame(), { handler: true })) failed.add(host);
  }
  for (const host of hosts) {
    const done = ran.get(host);
    for (const name of [...host.notified]) {
      if (done?.has(name)) host.notified.delete(name);
      else if (!rt.handlers.some((handler) => handlerNames(handler).includes(name))) {
        rt.deps.emit({ type: 'message', level: 'warning', host: host.name, text: `notified handler '${name}' does not exist`, at: new Date().toISOString() });
        host.notified.delete(name);
      }
    }
  }
  return failed;
}
