import { expect } from 'chai';
import { LiveReporter } from '../../../src/report/live.js';
import type { RunEvent } from '../../../src/types/events.js';
import { emptySummary, type HostSummary } from '../../../src/types/result.js';
import { fixtureEvents, fixtureRedactor, SECRETS } from './run-fixture.js';
import { MemoryStream, stripAnsi } from './memory-stream.js';

/** A 200-host, 10-task rollout in 4 batches, every event at once: what a big fleet feeds the live view. */
function bigRun(hostCount: number, taskCount: number): RunEvent[] {
  const at = '2026-11-27T22:15:00.000Z';
  const hosts = Array.from({ length: hostCount }, (_, i) => `host${String(i).padStart(3, '0')}`);
  const events: RunEvent[] = [{ type: 'run_start', playbook: 'p.yml', runId: 'r', check: false, at }, { type: 'play_start', play: 'big', hosts, at }];
  const summaries: Record<string, HostSummary> = {};
  const batchSize = hostCount / 4;
  for (let b = 0; b < 4; b++) {
    const batch = hosts.slice(b * batchSize, (b + 1) * batchSize);
    events.push({ type: 'batch_start', play: 'big', index: b + 1, total: 4, hosts: batch, at });
    for (let t = 0; t < taskCount; t++) {
      for (const host of batch) {
        events.push({ type: 'task_start', taskId: `t${b}-${t}`, host, task: `task ${t}`, at });
        events.push({ type: 'task_result', result: { host, task: `task ${t}`, action: 'command', status: 'ok', changed: false, startedAt: at, durationMs: 3 } });
        const s = (summaries[host] ??= emptySummary());
        s.ok++;
      }
    }
    events.push({ type: 'batch_end', play: 'big', index: b + 1, failedHosts: [], at });
  }
  events.push({ type: 'play_end', play: 'big', at }, { type: 'run_end', summaries, exitCode: 0, at });
  return events;
}

describe('live reporter (listr2, TTY)', () => {
  it('renders the fixture run into a fake terminal without throwing and ends with the recap', async () => {
    const stream = new MemoryStream(true);
    const reporter = new LiveReporter({ stream, redactor: fixtureRedactor() });
    for (const event of fixtureEvents()) reporter.onEvent(event);
    await reporter.close();
    const screen = stripAnsi(stream.text);
    expect(screen).to.include('PLAY [Update the MISP stack]');
    expect(screen).to.match(/web2 +failed/);
    expect(screen).to.match(/web3 +unreachable/);
    expect(screen).to.include('ROLLOUT HALTED');
    expect(screen).to.include('[WARNING]: host web4 has no misp_version fact');
    const recapAt = screen.lastIndexOf('PLAY RECAP');
    expect(recapAt).to.be.greaterThan(screen.lastIndexOf('ROLLOUT HALTED'));
    expect(screen.trimEnd().split('\n').pop()).to.match(/^web3: UNREACHABLE at TASK \[misp_update : check free space\]/);
    for (const secret of SECRETS) expect(stream.text).to.not.include(secret);
  });

  it('shows a summary line with hosts done/failed/unreachable and tasks/s', async () => {
    const stream = new MemoryStream(true);
    const reporter = new LiveReporter({ stream, redactor: fixtureRedactor() });
    for (const event of fixtureEvents()) reporter.onEvent(event);
    await reporter.close();
    // listr wraps at the terminal width, so the line may continue on the next one
    const screen = stripAnsi(stream.text).replace(/\s+/g, ' ');
    expect(screen).to.match(/Update the MISP stack \/ batch 1\/3: 1\/6 hosts done, 0 failed, 0 unreachable, [\d.]+ tasks\/s/);
    expect(screen).to.match(/Update the MISP stack \/ batch 2\/3: 5\/6 hosts done, 2 failed, 1 unreachable, [\d.]+ tasks\/s/);
  });

  it('heads a running handler RUNNING HANDLER on its host line, as the plain output does', async () => {
    const at = '2026-11-27T22:15:00.000Z';
    const stream = new MemoryStream(true);
    const reporter = new LiveReporter({ stream });
    const summaries: Record<string, HostSummary> = { web1: { ...emptySummary(), changed: 1 } };
    const events: RunEvent[] = [
      { type: 'run_start', playbook: 'p.yml', runId: 'r', check: false, at },
      { type: 'play_start', play: 'web', hosts: ['web1'], at },
      { type: 'batch_start', play: 'web', index: 1, total: 1, hosts: ['web1'], at },
      { type: 'task_start', taskId: '1', host: 'web1', task: 'restart nginx', role: 'nginx', handler: true, at },
      { type: 'task_result', result: { host: 'web1', task: 'restart nginx', role: 'nginx', action: 'command', status: 'changed', changed: true, startedAt: at, durationMs: 3 } },
      { type: 'batch_end', play: 'web', index: 1, failedHosts: [], at },
      { type: 'play_end', play: 'web', at },
      { type: 'run_end', summaries, exitCode: 0, at },
    ];
    for (const event of events) reporter.onEvent(event);
    await reporter.close();
    const screen = stripAnsi(stream.text);
    expect(screen).to.include('RUNNING HANDLER [nginx : restart nginx]');
    expect(screen).to.not.include('TASK [nginx : restart nginx]');
  });

  it('stays cheap for 200 hosts: throttled redraws, done well within a second of CPU', async function () {
    this.timeout(60_000);
    const stream = new MemoryStream(true);
    const reporter = new LiveReporter({ stream });
    const events = bigRun(200, 10);
    // CPU time, not wall time: the test machine is shared and its wall clock says more about the neighbours
    const started = process.cpuUsage();
    for (const event of events) reporter.onEvent(event);
    await reporter.close();
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    const screen = stripAnsi(stream.text);
    expect(screen).to.match(/^host199 +: ok=10 /m);
    // 4 batches: each draws a few frames, not one per event (4000 events)
    expect(stream.writes).to.be.lessThan(400);
    expect(ms).to.be.lessThan(4000);
    if (process.env.AIRLOCK_BENCH_LOG) process.stdout.write(`      live 200 hosts x 10 tasks: ${events.length} events, ${ms.toFixed(0)} ms CPU, ${stream.writes} writes, ${stream.text.length} bytes\n`);
  });
});
