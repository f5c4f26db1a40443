// How an `lxc` command's failure is read when LXD's state moved under us. On loaded hosts LXD answers a stop with
// "The instance is already stopped" a moment after it reported the instance running, and answers any command with
// "Instance is busy running a ... operation" while its own previous operation settles. The first kind is the wanted
// end state reached by another path (success); the second is transient (retried, with a bound, by lxcRun).

/** The wanted state already holds: the command's goal is met although lxc exited non-zero. */
export function alreadyDone(command: string, stderr: string): boolean {
  const verb = /^lxc (\S+)/.exec(command)?.[1];
  if (verb === 'stop') return /already stopped|is not running/i.test(stderr);
  if (verb === 'start') return /already running/i.test(stderr);
  if (verb === 'delete') return /not found/i.test(stderr);
  return false;
}

/** LXD is busy with an operation of its own that will finish: the same command may succeed if tried again. */
export function transient(stderr: string): boolean {
  return /is busy running a|Failed to connect to local LXD|database is locked|context deadline exceeded|freezing the container failed/i.test(stderr);
}

/** Attempts of one lxc command before a transient failure fails the task, and the pause before each retry. */
export const LXC_ATTEMPTS = 4;
export function lxcRetryDelayMs(attempt: number): number {
  return 1000 * 2 ** (attempt - 1);
}
