// What the machine was doing while a figure was taken: the 1-minute load average before and after a run, so that
// every printed figure carries its own reliability note (the bench machine is a shared 2-core VM).
import { cpus, loadavg } from 'node:os';

export interface LoadSample {
  before: number;
  after: number;
}

export function load1(): number {
  return loadavg()[0] ?? 0;
}

export function coreCount(): number {
  return cpus().length;
}

/** Above one runnable task per core the wall times mostly measure other people's work. */
export function loadIsHigh(sample: LoadSample): boolean {
  return Math.max(sample.before, sample.after) > coreCount();
}

export async function withLoad<T>(run: () => Promise<T>): Promise<{ value: T; load: LoadSample }> {
  const before = load1();
  const value = await run();
  return { value, load: { before, after: load1() } };
}

export function formatLoad(sample: LoadSample): string {
  return `load ${sample.before.toFixed(1)}->${sample.after.toFixed(1)}${loadIsHigh(sample) ? ' (UNRELIABLE: load > cores)' : ''}`;
}
