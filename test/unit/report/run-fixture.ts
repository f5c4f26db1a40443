// A fixed run that exercises every path a reporter has: canary batch, loops, failures with stderr, an unreachable
// host, skipped/rescued/ignored/rolled_back results, a no_log result, secrets in stdout, stderr and a task name,
// and a rollout halted after batch 2.
import type { RunEvent } from '../../../src/types/events.js';
import { countInto } from '../../../src/report/collect.js';
import { emptySummary, type HostSummary, type TaskResult } from '../../../src/types/result.js';
import { Redactor } from '../../../src/report/redact.js';

export const ADMIN_PASSWORD = 'Sup3rS3cret!';
export const API_TOKEN = 'tok-8f3a9c77e1';
export const SECRETS = [ADMIN_PASSWORD, API_TOKEN];

export const fixtureVars = {
  misp_admin_password: ADMIN_PASSWORD,
  misp: { api_key: API_TOKEN, url: 'https://misp.enclave.local' },
  short_pass: 'abc',
};

export function fixtureRedactor(): Redactor {
  const redactor = new Redactor();
  redactor.addSecretsFromVars(fixtureVars);
  return redactor;
}

let clock = Date.parse('2026-11-27T22:15:00.000Z');
function at(stepMs = 250): string {
  clock += stepMs;
  return new Date(clock).toISOString();
}

function result(partial: Partial<TaskResult> & Pick<TaskResult, 'host' | 'task' | 'status'>): TaskResult {
  return {
    action: 'command',
    changed: partial.status === 'changed',
    startedAt: at(),
    durationMs: 1234,
    ...partial,
  };
}

export function fixtureEvents(): RunEvent[] {
  clock = Date.parse('2026-11-27T22:15:00.000Z');
  const hosts = ['canary1', 'web1', 'web2', 'db1', 'web3', 'web4'];
  const play = 'Update the MISP stack';
  const role = 'misp_update';
  const events: RunEvent[] = [];
  const run = (host: string, r: TaskResult): void => {
    events.push({ type: 'task_start', taskId: r.task, host, task: r.task, ...(r.role ? { role: r.role } : {}), at: at() });
    events.push({ type: 'task_result', result: r });
  };

  events.push({ type: 'run_start', playbook: 'playbooks/update.yml', runId: '20261127T221500Z-a1b2c3', check: false, at: at() });
  events.push({ type: 'message', level: 'warning', text: 'host web4 has no misp_version fact; assuming a fresh install', at: at() });
  events.push({ type: 'play_start', play, hosts, at: at() });

  // batch 1: the canary
  events.push({ type: 'batch_start', play, index: 1, total: 3, hosts: ['canary1'], at: at() });
  run('canary1', result({ host: 'canary1', task: 'check free space', role, status: 'ok', stdout: '42G available' }));
  run('canary1', result({ host: 'canary1', task: 'set admin password', role, status: 'changed', noLog: true, stdout: `password set to ${ADMIN_PASSWORD}`, msg: `ok ${ADMIN_PASSWORD}`, rc: 0 }));
  run('canary1', result({ host: 'canary1', task: 'register the API', role, status: 'changed', stdout: `POST /servers token=${API_TOKEN}\n201 Created`, rc: 0 }));
  events.push({ type: 'batch_end', play, index: 1, failedHosts: [], at: at() });

  // batch 2: failures of every kind
  events.push({ type: 'batch_start', play, index: 2, total: 3, hosts: ['web1', 'web2', 'db1', 'web3'], at: at() });
  run('web1', result({ host: 'web1', task: 'check free space', role, status: 'ok' }));
  run('web2', result({ host: 'web2', task: 'check free space', role, status: 'ok' }));
  run('db1', result({ host: 'db1', task: 'check free space', role, status: 'ok' }));
  run('web3', result({ host: 'web3', task: 'check free space', role, status: 'unreachable', msg: 'ssh: connect to 10.77.0.5 port 22: Connection timed out' }));
  const items = (host: string, second: 'changed' | 'failed'): TaskResult[] => [
    result({ host, task: 'install packages', role, status: 'changed', item: 'misp-core', rc: 0 }),
    second === 'changed'
      ? result({ host, task: 'install packages', role, status: 'changed', item: { name: 'misp-modules', version: '2.4' }, rc: 0 })
      : result({ host, task: 'install packages', role, status: 'failed', item: { name: 'misp-modules', version: '2.4' }, rc: 100, msg: 'non-zero return code', stderr: 'E: Unable to locate package misp-modules\nE: Could not fetch archives' }),
  ];
  run('web1', result({ host: 'web1', task: 'install packages', role, status: 'changed', results: items('web1', 'changed') }));
  run('web2', result({ host: 'web2', task: 'install packages', role, status: 'failed', msg: 'One or more items failed', results: items('web2', 'failed') }));
  run('db1', result({ host: 'db1', task: 'install packages', role, status: 'skipped', msg: 'Conditional result was False' }));
  run('web1', result({ host: 'web1', task: 'remove stale cache', role, status: 'ignored', rc: 1, msg: 'non-zero return code', stderr: 'rm: cannot remove /var/cache/misp/lock: Device or resource busy' }));
  run('web1', result({ host: 'web1', task: `log in as admin with ${ADMIN_PASSWORD}`, role, status: 'ok', action: 'uri' }));
  run('db1', result({ host: 'db1', task: 'health check', role, status: 'rescued', rc: 7, msg: 'curl: (7) Failed to connect', stderr: `curl -u admin:${ADMIN_PASSWORD} https://localhost/ failed` }));
  run('db1', result({ host: 'db1', task: 'restore snapshots', role, status: 'rolled_back', action: 'lxd_snapshot', msg: 'restored misp-db and misp-web from pre-update-20261127' }));
  events.push({ type: 'batch_end', play, index: 2, failedHosts: ['web2', 'web3'], at: at() });
  events.push({
    type: 'rollout_halted',
    play,
    batch: 2,
    reason: '50% of the batch failed (1 failed, 1 unreachable of 4), more than max_fail_percentage 25%',
    changedHosts: ['canary1', 'web1', 'db1'],
    untouchedHosts: ['web4'],
    at: at(),
  });
  events.push({ type: 'play_end', play, at: at() });

  const summaries: Record<string, HostSummary> = {};
  for (const host of hosts) summaries[host] = emptySummary();
  for (const e of events) if (e.type === 'task_result') countInto(summaries[e.result.host] as HostSummary, e.result);
  events.push({ type: 'run_end', summaries, exitCode: 2, at: at() });
  return events;
}

/** Timestamps and durations change from run to run in real life; goldens compare the rest. */
export function normalise(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<TIME>')
    .replace(/"durationMs": \d+/g, '"durationMs": 0')
    .replace(/\(\d+\.\d\ds\)/g, '(<DURATION>)');
}
