import { expect } from 'chai';
import { countInto } from '../../../src/report/collect.js';
import { formatRecap } from '../../../src/report/recap.js';
import { emptySummary, type TaskResult, type TaskStatus } from '../../../src/types/result.js';

function r(status: TaskStatus, changed = status === 'changed'): TaskResult {
  return { host: 'h', task: 't', action: 'command', status, changed, startedAt: '', durationMs: 0 };
}

describe('recap', () => {
  it('counts like Ansible: changed is also ok, an ignored failure is ok + ignored (+ changed when it changed)', () => {
    const s = emptySummary();
    for (const result of [r('ok'), r('changed'), r('ignored', true), r('ignored', false), r('failed', true), r('skipped'), r('rescued'), r('unreachable'), r('rolled_back')]) countInto(s, result);
    expect(s).to.deep.equal({ ok: 4, changed: 2, ignored: 2, failed: 1, skipped: 1, rescued: 1, unreachable: 1, rolled_back: 1 });
  });

  it('lays out each line as ansible-playbook 2.14 does ("%-26s : ", long names unpadded) and shows rolled_back only when some host has it', () => {
    const long = 'a-very-long-host-name.enclave.example.org';
    const text = formatRecap({ summaries: { short: { ...emptySummary(), ok: 12 }, [long]: { ...emptySummary(), changed: 3, ok: 3 } }, failures: new Map() });
    const lines = text.split('\n').filter((l) => l.includes(': ok='));
    // both lines as ansible-playbook printed them for the same hosts
    expect(lines).to.deep.equal([
      'short                      : ok=12   changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
      `${long} : ok=3    changed=3    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0`,
    ]);
    expect(text).to.not.include('rolled_back');
    expect(text).to.not.include('FAILED HOSTS');
  });
});
