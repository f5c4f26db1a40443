// Async jobs: the exact commands sent, run for real through /bin/sh with a scratch HOME (so the detached job, its
// root-only directory and the status read-back are exercised, not just their text), and async_status on top.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncCleanupCommand, asyncStartCommand, asyncStatusCommand, checkedJobId, parseJobStatus } from '../../../src/modules/lib/async-job.js';
import { asyncStatusModule } from '../../../src/modules/async_status.js';
import { commandModule } from '../../../src/modules/command.js';
import { shellModule } from '../../../src/modules/shell.js';
import { FakeConnection, fakeContext } from './fake-connection.js';

async function sh(command: string, home: string): Promise<string> {
  return (await execa('sh', ['-c', command], { env: { HOME: home, PATH: process.env['PATH'] ?? '/usr/bin:/bin' } })).stdout;
}

async function waitDone(jid: string, home: string): Promise<ReturnType<typeof parseJobStatus>> {
  for (let i = 0; i < 100; i++) {
    const status = parseJobStatus(await sh(asyncStatusCommand(jid), home));
    if (status.state !== 'running') return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('job never finished');
}

describe('async jobs on the host', function () {
  this.timeout(20_000);
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'airlock-async-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('the commands, verbatim: job files in ~/.ansible_async, the job detached under timeout, rc written last', () => {
    expect(asyncStatusCommand('j1.2')).to.equal(
      'd="$HOME/.ansible_async"; j=j1.2; if [ ! -e "$d/$j" ]; then echo missing; elif [ -e "$d/$j.rc" ]; then echo done; cat "$d/$j.rc" "$d/$j.start" "$d/$j.end"; '
      + 'for f in meta out err; do base64 -w 0 "$d/$j.$f"; echo; done; else echo running; fi; echo "$d/$j"');
    expect(asyncCleanupCommand('j1.2')).to.equal('d="$HOME/.ansible_async"; j=j1.2; rm -f -- "$d/$j" "$d/$j".*; echo "$d/$j"');
    const start = asyncStartCommand('j1.2', "'sleep' '1'", 5, { cmd: ['sleep', '1'], skipMessage: undefined });
    expect(start).to.match(/^umask 077 && d="\$HOME\/\.ansible_async" && mkdir -p "\$d" && chmod 700 "\$d" && printf '%s\\n' '\{"cmd":\["sleep","1"\]\}' > "\$d\/"j1\.2\.meta && /);
    expect(start).to.include("printf '%s\\n' '{\"started\":1,\"finished\":0,\"ansible_job_id\":\"j1.2\"}' > \"$d/\"j1.2 && (setsid sh -c ");
    expect(start).to.include('timeout 5 sh -c ').and.include('mv "$d/$j.rc.tmp" "$d/$j.rc"');
  });

  it('a command job runs detached; its status gives rc, stdout, stderr and cmd; cleanup removes its files; the directory is 0700', async () => {
    const { line, cmd, skipMessage } = shellModule.background?.({ cmd: 'echo out; echo err >&2; exit 3' }) ?? { line: '', cmd: '', skipMessage: undefined };
    const resultsFile = (await sh(asyncStartCommand('j7.1', line, 10, { cmd, skipMessage }), home)).trim();
    expect(resultsFile).to.equal(join(home, '.ansible_async', 'j7.1'));
    expect(statSync(join(home, '.ansible_async')).mode & 0o777).to.equal(0o700);
    const status = await waitDone('j7.1', home);
    expect(status.state).to.equal('done');
    if (status.state !== 'done') return;
    expect(status.result).to.deep.include({ rc: 3, stdout: 'out', stderr: 'err', failed: true, msg: 'non-zero return code' });
    expect(status.result.data?.['cmd']).to.equal('echo out; echo err >&2; exit 3');
    await sh(asyncCleanupCommand('j7.1'), home);
    expect(readdirSync(join(home, '.ansible_async'))).to.deep.equal([]);
  });

  it('hostile words reach the program literally; a job over its time is stopped with Ansible\'s message; a guard skips', async () => {
    const hostile = commandModule.background?.({ argv: ['echo', '$(touch pwned); `id`'] });
    await sh(asyncStartCommand('j8.1', hostile?.line ?? '', 10, { cmd: hostile?.cmd, skipMessage: undefined }), home);
    const echoed = await waitDone('j8.1', home);
    expect(echoed.state === 'done' && echoed.result.stdout).to.equal('$(touch pwned); `id`');
    expect(readdirSync(home)).to.deep.equal(['.ansible_async']);

    const slow = commandModule.background?.({ cmd: 'sleep 5' });
    await sh(asyncStartCommand('j9.1', slow?.line ?? '', 1, { cmd: slow?.cmd, skipMessage: undefined }), home);
    const stopped = await waitDone('j9.1', home);
    expect(stopped.state === 'done' && stopped.result.msg).to.equal('Job reached maximum time limit.');

    const guarded = commandModule.background?.({ cmd: 'touch x', creates: home });
    await sh(asyncStartCommand('j10.1', guarded?.line ?? '', 10, { cmd: guarded?.cmd, skipMessage: guarded?.skipMessage }), home);
    const skipped = await waitDone('j10.1', home);
    expect(skipped.state === 'done' && skipped.result).to.deep.include({ skipped: true, msg: `skipped, since ${home} exists` });
  });

  it('job ids: only Ansible\'s shape is accepted, so a jid can never name another path', () => {
    expect(checkedJobId('async_status', 'j123.45')).to.equal('j123.45');
    for (const bad of ['../../etc/passwd', 'j1.2; rm -rf /', '', 'j1']) expect(() => checkedJobId('async_status', bad)).to.throw("'jid' must be a job id");
    expect(() => commandModule.background?.({ cmd: 'cat', stdin: 'x' })).to.throw("'stdin' cannot be used with async");
  });

  it('async_status: running, finished (the job\'s result, failing as it failed), unknown job, cleanup', async () => {
    const running = new FakeConnection([{ command: asyncStatusCommand('j1.2'), result: { stdout: 'running\n/root/.ansible_async/j1.2\n' } }]);
    expect(await asyncStatusModule.run({ jid: 'j1.2' }, fakeContext(running))).to.deep.equal({
      changed: false, data: { ansible_job_id: 'j1.2', results_file: '/root/.ansible_async/j1.2', started: 1, finished: 0 },
    });
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    const doneOutput = ['done', '0', '2026-12-02 10:00:00.000000', '2026-12-02 10:00:01.500000', b64('{"cmd":["true"]}'), b64('hi\n'), '', '/root/.ansible_async/j1.2'].join('\n');
    const done = new FakeConnection([{ command: asyncStatusCommand('j1.2'), result: { stdout: `${doneOutput}\n` } }]);
    const finished = await asyncStatusModule.run({ jid: 'j1.2' }, fakeContext(done));
    expect(finished).to.deep.include({ changed: true, rc: 0, stdout: 'hi', stderr: '' });
    expect(finished.data).to.deep.equal({
      cmd: ['true'], start: '2026-12-02 10:00:00.000000', end: '2026-12-02 10:00:01.500000', delta: '0:00:01.500000',
      ansible_job_id: 'j1.2', results_file: '/root/.ansible_async/j1.2', started: 1, finished: 1,
    });
    const missing = new FakeConnection([{ command: asyncStatusCommand('j1.2'), result: { stdout: 'missing\n/root/.ansible_async/j1.2\n' } }]);
    expect(await asyncStatusModule.run({ jid: 'j1.2' }, fakeContext(missing))).to.deep.include({ failed: true, msg: 'could not find job' });
    const cleanup = new FakeConnection([{ command: asyncCleanupCommand('j1.2'), result: { stdout: '/root/.ansible_async/j1.2\n' } }]);
    expect((await asyncStatusModule.run({ jid: 'j1.2', mode: 'cleanup' }, fakeContext(cleanup))).data).to.deep.equal({ ansible_job_id: 'j1.2', erased: '/root/.ansible_async/j1.2', started: 0, finished: 0 });
  });
});
