import { expect } from 'chai';
import { NO_LOG_MESSAGE, REDACTED, Redactor } from '../../../src/report/redact.js';
import type { TaskResult } from '../../../src/types/result.js';

function result(extra: Partial<TaskResult>): TaskResult {
  return { host: 'h1', task: 'show', action: 'debug', status: 'ok', changed: false, startedAt: '2026-01-01T00:00:00Z', durationMs: 3, ...extra };
}

describe('Redactor and vault plaintexts', () => {
  it('hides a result that carries a vault value whole, as no_log does, and redacts the value in any text', () => {
    const r = new Redactor();
    r.addVaultSecret('db-pass-42');
    const hidden = r.redactResult(result({ msg: 'password is db-pass-42', data: { nested: ['x', 'db-pass-42'] } }));
    expect(hidden.msg).to.equal(NO_LOG_MESSAGE);
    expect(hidden.noLog).to.equal(true);
    expect(JSON.stringify(hidden)).not.to.include('db-pass-42');
    expect(r.redact('echo db-pass-42')).to.equal(`echo ${REDACTED}`);
  });

  it('leaves results without vault values as they are', () => {
    const r = new Redactor();
    r.addVaultSecret('db-pass-42');
    expect(r.redactResult(result({ msg: 'all fine' })).msg).to.equal('all fine');
  });

  it('catches the value JSON-escaped inside a result (a secret with a quote or backslash)', () => {
    const r = new Redactor();
    r.addVaultSecret('a"b\\c');
    expect(r.redactResult(result({ stdout: 'a"b\\c' })).msg).to.equal(NO_LOG_MESSAGE);
  });
});
