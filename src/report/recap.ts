// PLAY RECAP: Ansible's per-host counter table (operators' scripts grep it), then, unlike Ansible, the failing task and
// its message for every failed or unreachable host, so that nobody scrolls back through 200 hosts of output.
import type { HostSummary, TaskResult } from '../types/result.js';
import { failureText, header, taskLabel } from './format.js';

const COUNTERS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;

export interface RecapInput {
  summaries: Record<string, HostSummary>;
  /** latest failed/unreachable result per host */
  failures: Map<string, TaskResult>;
}

export function formatRecap({ summaries, failures }: RecapInput): string {
  const hosts = Object.keys(summaries);
  const lines = [header('PLAY RECAP')];
  const showRolledBack = hosts.some((h) => (summaries[h] as HostSummary).rolled_back > 0);
  for (const host of hosts) {
    const s = summaries[host] as HostSummary;
    const fields = COUNTERS.map((name) => `${name}=${String(s[name]).padEnd(4)}`);
    if (showRolledBack) fields.push(`rolled_back=${String(s.rolled_back).padEnd(4)}`);
    // Ansible's "%-26s : " exactly (no widening for long names), so that scripts reading its recap read ours
    lines.push(`${host.padEnd(26)} : ${fields.join(' ')}`.trimEnd());
  }
  const failing = hosts.filter((h) => failures.has(h));
  if (failing.length > 0) {
    lines.push('', header('FAILED HOSTS'));
    for (const host of failing) {
      const result = failures.get(host) as TaskResult;
      const kind = result.status === 'unreachable' ? 'UNREACHABLE' : 'FAILED';
      lines.push(`${host}: ${kind} at TASK [${taskLabel(result)}] => ${failureText(result)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
