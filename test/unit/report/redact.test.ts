import { expect } from 'chai';
import { NO_LOG_MESSAGE, REDACTED, Redactor } from '../../../src/report/redact.js';
import type { TaskResult } from '../../../src/types/result.js';
import { UnsafeText } from '../../../src/util/unsafe.js';

function result(extra: Partial<TaskResult>): TaskResult {
  return { host: 'h1', task: 'deploy', action: 'shell', status: 'changed', changed: true, startedAt: '2026-01-01T00:00:00Z', durationMs: 10, ...extra };
}

describe('Redactor', () => {
  it('reports host text stored as a variable (UnsafeText) as its text, and finds secrets in it', () => {
    const r = new Redactor();
    r.addSecretsFromVars({ db_password: new UnsafeText('hunter2-from-host') });
    expect(r.redactValue({ facts: { note: new UnsafeText('pw is hunter2-from-host'), plain: new UnsafeText('hello') } }))
      .to.deep.equal({ facts: { note: `pw is ${REDACTED}`, plain: 'hello' } });
  });

  it('picks secrets from variables named like passwords, tokens and keys, at any depth', () => {
    const r = new Redactor();
    r.addSecretsFromVars({
      db_password: 'hunter22',
      mysql_passwd: 'pw-mysql',
      misp: { api_key: 'k-123456', apikey: 'k-abcdef', nested: { authkey: 'auth-xyz' } },
      vault_secret_list: ['first-secret', 'second-secret'],
      ssh_private_key: '-----BEGIN KEY-----',
      github_token: 'ghp_0000',
      hostname: 'public-name',
      short_pass: 'abc',
      port_password: 1234,
    });
    const text = 'hunter22 pw-mysql k-123456 k-abcdef auth-xyz first-secret second-secret -----BEGIN KEY----- ghp_0000 public-name abc 1234';
    expect(r.redact(text)).to.equal(`${Array(9).fill(REDACTED).join(' ')} public-name abc 1234`);
  });

  it('replaces a longer secret whole even when it contains a shorter one', () => {
    const r = new Redactor();
    r.addSecret('pass');
    r.addSecret('password-long');
    expect(r.redact('x password-long y pass')).to.equal(`x ${REDACTED} y ${REDACTED}`);
  });

  it('also catches the secret as a shell-quoted or JSON-escaped word', () => {
    const r = new Redactor();
    r.addSecret(`it's "x"`);
    expect(r.redact(`echo 'it'"'"'s "x"'`)).to.not.include(`s "x"`);
    expect(r.redact(JSON.stringify({ pw: `it's "x"` }))).to.equal(`{"pw":"${REDACTED}"}`);
  });

  it('ignores empty secrets and leaves text alone when there is nothing to hide', () => {
    const r = new Redactor();
    r.addSecret('');
    expect(r.secretCount).to.equal(0);
    expect(r.redact('nothing here')).to.equal('nothing here');
  });

  it('no_log results keep who/what/status and lose all output, items and data', () => {
    const r = new Redactor();
    const hidden = r.redactResult(
      result({ noLog: true, role: 'misp', stdout: 'out', stderr: 'err', msg: 'secret msg', rc: 0, item: 'pw', data: { x: 1 }, diff: [{ before: 'a', after: 'b' }], results: [result({ stdout: 'inner' })] }),
    );
    expect(hidden).to.deep.equal({
      host: 'h1',
      task: 'deploy',
      action: 'shell',
      role: 'misp',
      status: 'changed',
      changed: true,
      msg: NO_LOG_MESSAGE,
      startedAt: '2026-01-01T00:00:00Z',
      durationMs: 10,
      noLog: true,
    });
  });

  it('redacts secrets everywhere in an ordinary result, loop items included, without touching the original', () => {
    const r = new Redactor();
    r.addSecret('s3cr3t!!');
    const original = result({ task: 'use s3cr3t!!', stdout: 'a s3cr3t!! b', data: { nested: ['s3cr3t!!'] }, results: [result({ item: { password: 's3cr3t!!' }, stderr: 's3cr3t!!' })] });
    const redacted = r.redactResult(original);
    expect(JSON.stringify(redacted)).to.not.include('s3cr3t!!');
    expect(redacted.stdout).to.equal(`a ${REDACTED} b`);
    expect(original.stdout).to.equal('a s3cr3t!! b');
  });

  it('a no_log loop item hides only that item', () => {
    const r = new Redactor();
    const out = r.redactResult(result({ results: [result({ item: 'a', stdout: 'visible' }), result({ item: 'b', stdout: 'hidden', noLog: true })] }));
    expect(out.results?.[0]?.stdout).to.equal('visible');
    expect(out.results?.[1]?.stdout).to.equal(undefined);
    expect(out.results?.[1]?.msg).to.equal(NO_LOG_MESSAGE);
  });
});
