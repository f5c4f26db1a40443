// Modules driven through run() against scripted hosts: how many round trips, what check mode and diff report,
// that become/env reach every exec, and the controller-only modules' return values.
import { expect } from 'chai';
import { copyModule } from '../../../src/modules/copy.js';
import { commandModule } from '../../../src/modules/command.js';
import { fileModule } from '../../../src/modules/file.js';
import { lineinfileModule } from '../../../src/modules/lineinfile.js';
import { statModule } from '../../../src/modules/stat.js';
import { INLINE_CONTENT_MAX_BYTES, sha256Hex } from '../../../src/modules/lib/deploy.js';
import { FakeConnection, fakeContext, probeOutput } from './fake-connection.js';
import { UnreachableError } from '../../../src/connection/errors.js';
import { rejectionOf } from '../../support/rejection.js';

const PROBE = /^printf 'P\\t0\\n'; if \[ -e \/etc\/app.conf \]/;
const INSTALL = /^\{ \(umask 077 && cat > \/etc\/\.app\.conf\.airlock-[0-9a-f]{12}\) && (cp -p -- \/etc\/app\.conf '\/etc\/app\.conf\.[^']+~' && )?chmod --reference=\/etc\/app\.conf -- \/etc\/\.app\.conf\.airlock-[0-9a-f]{12} && chown --reference=/;

describe('modules run against a scripted host', () => {
  it('copy as the login user: unchanged content costs no command (lstat + read-back) and reports ok', async () => {
    const conn = new FakeConnection();
    conn.files.set('/etc/app.conf', { content: 'a=1\n', mode: 0o640 });
    const result = await copyModule.run({ content: 'a=1\n', dest: '/etc/app.conf' }, fakeContext(conn));
    expect(result).to.include({ changed: false, msg: 'up to date' });
    expect(conn.execs).to.have.length(0);
    expect(conn.reads).to.deep.equal(['/etc/app.conf']);
    expect(conn.installs).to.have.length(0);
  });

  it('copy as the login user: a new file is installed through the file channel, 0644, staged next to dest', async () => {
    const conn = new FakeConnection();
    const result = await copyModule.run({ content: 'a=1\n', dest: '/etc/app.conf' }, fakeContext(conn));
    expect(result).to.include({ changed: true, msg: 'changed: created' });
    expect(result.data?.['checksum']).to.equal(sha256Hex('a=1\n'));
    expect(conn.execs).to.have.length(0);
    expect(conn.reads).to.have.length(0);
    expect(conn.installs).to.have.length(1);
    const [install] = conn.installs;
    expect(install?.staged).to.match(/^\/etc\/\.app\.conf\.airlock-[0-9a-f]{12}$/);
    expect(install).to.include({ dest: '/etc/app.conf', mode: 0o644 });
    expect(install?.owner).to.equal(undefined);
    expect(install?.content.toString()).to.equal('a=1\n');
  });

  it('copy as the login user: changed content keeps the existing owner and mode; a symbolic mode applies to it', async () => {
    const conn = new FakeConnection();
    conn.files.set('/etc/app.conf', { content: 'a=0\n', mode: 0o640, uid: 33, gid: 4 });
    const kept = await copyModule.run({ content: 'a=10\n', dest: '/etc/app.conf' }, fakeContext(conn));
    expect(kept).to.include({ changed: true, msg: 'changed: content' });
    expect(conn.installs[0]).to.deep.include({ mode: 0o640, owner: { uid: 33, gid: 4 } });
    // different size: decided from lstat alone, no read-back
    expect(conn.reads).to.have.length(0);
    const symbolic = await copyModule.run({ content: 'a=222\n', dest: '/etc/app.conf', mode: 'g+w' }, fakeContext(conn));
    expect(symbolic.msg).to.equal('changed: content, mode 0640 -> 0660');
    expect(conn.installs[1]).to.deep.include({ mode: 0o660 });
    expect(conn.execs).to.have.length(0);
  });

  it('copy as the login user: same content but another mode is one chmod exec, no upload', async () => {
    const conn = new FakeConnection([{ command: 'chmod 0600 -- /etc/app.conf' }]);
    conn.files.set('/etc/app.conf', { content: 'a=1\n', mode: 0o644 });
    const result = await copyModule.run({ content: 'a=1\n', dest: '/etc/app.conf', mode: '0600' }, fakeContext(conn));
    expect(result).to.include({ changed: true, msg: 'changed: mode 0644 -> 0600' });
    expect(conn.installs).to.have.length(0);
    expect(conn.done).to.equal(true);
  });

  it('copy: a symlinked dest, owner/group, backup, --diff or become to another user take the probe exec', async () => {
    const linked = new FakeConnection([{ command: PROBE, result: { stdout: probeOutput([{ checksum: sha256Hex('a=1\n') }]) } }]);
    linked.files.set('/etc/app.conf', { type: 'link' });
    expect(await copyModule.run({ content: 'a=1\n', dest: '/etc/app.conf' }, fakeContext(linked))).to.include({ changed: false });
    expect(linked.done).to.equal(true);
    const cases: Array<[Record<string, unknown>, Partial<Parameters<typeof fakeContext>[1]>]> = [
      [{ owner: 'root' }, {}],
      [{ group: 'root' }, {}],
      [{ backup: true }, {}],
      [{}, { diff: true }],
      [{}, { become: { user: 'root' } }],
    ];
    for (const [extra, overrides] of cases) {
      const conn = new FakeConnection([{ command: PROBE, result: { stdout: probeOutput([{ checksum: sha256Hex('a=1\n') }]) } }]);
      await copyModule.run({ content: 'a=1\n', dest: '/etc/app.conf', ...extra }, fakeContext(conn, overrides));
      expect(conn.done, JSON.stringify({ extra, overrides })).to.equal(true);
      expect(conn.installs).to.have.length(0);
    }
    // becoming the login user itself needs no sudo, so the file channel does it
    const same = new FakeConnection();
    await copyModule.run({ content: 'a=1\n', dest: '/etc/app.conf' }, fakeContext(same, { become: { user: 'ops' } }));
    expect(same.installs).to.have.length(1);
  });

  it('copy on a host that refuses SFTP: the probe and install execs, as before the file channel', async () => {
    const conn = new FakeConnection([
      { command: PROBE, result: { stdout: probeOutput([{ absent: true }]) } },
      { command: /^\{ \(umask 077 && cat > \/etc\/\.app\.conf\.airlock-[0-9a-f]{12}\) && chmod 0644 -- / },
    ]);
    conn.refuseSftp = true;
    const result = await copyModule.run({ content: 'x', dest: '/etc/app.conf' }, fakeContext(conn));
    expect(result).to.include({ changed: true, msg: 'changed: created' });
    expect(conn.done).to.equal(true);
    expect(conn.installs).to.have.length(0);
  });

  it('copy as the login user: a link dropped during the install is reported as unreachable, not as a failed copy', async () => {
    const conn = new FakeConnection();
    conn.installFile = () => Promise.reject(new UnreachableError(conn.host, `${conn.host}: connection lost`));
    const error = await rejectionOf(copyModule.run({ content: 'x', dest: '/etc/app.conf' }, fakeContext(conn)), UnreachableError);
    expect(error.message).to.equal('fake1: connection lost');
  });

  it('copy in check mode as the login user: lstat only, nothing installed', async () => {
    const conn = new FakeConnection();
    const result = await copyModule.run({ content: 'new\n', dest: '/etc/app.conf', mode: '0600' }, fakeContext(conn, { check: true }));
    expect(result).to.include({ changed: true, msg: 'would change: created, mode (new) -> 0600' });
    expect(conn.installs).to.have.length(0);
    expect(conn.execs).to.have.length(0);
  });

  it('copy: changed small content = probe, then one install exec that reads the content from stdin; become and env on every exec', async () => {
    const conn = new FakeConnection([
      { command: PROBE, result: { stdout: probeOutput([{ checksum: 'old' }], 'a=0\n') } },
      { command: INSTALL },
    ]);
    const result = await copyModule.run({ content: 'a=1\n', dest: '/etc/app.conf', backup: true }, fakeContext(conn, { diff: true, env: { LANG: 'C' } }));
    expect(result.changed).to.equal(true);
    expect(result.diff).to.deep.equal([{ path: '/etc/app.conf', before: 'a=0\n', after: 'a=1\n' }]);
    expect(result.data?.['backup_file']).to.match(/^\/etc\/app\.conf\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(conn.puts).to.have.length(0);
    expect(conn.execs[1]?.options?.stdin?.toString()).to.equal('a=1\n');
    expect(conn.done).to.equal(true);
    for (const call of conn.execs) expect(call.options?.env).to.deep.equal({ LANG: 'C' });
  });

  it('copy with become: small content is written by the become exec next to dest, no /tmp detour', async () => {
    const conn = new FakeConnection([
      { command: PROBE, result: { stdout: probeOutput([{ absent: true }]) } },
      { command: /^\{ \(umask 077 && cat > \/etc\/\.app\.conf\.airlock-[0-9a-f]{12}\) && chmod 0644 -- \/etc\/\.app\.conf\.airlock-[0-9a-f]{12} && mv -f -- / },
    ]);
    await copyModule.run({ content: 'x', dest: '/etc/app.conf' }, fakeContext(conn, { become: { user: 'root' } }));
    expect(conn.puts).to.have.length(0);
    expect(conn.done).to.equal(true);
    for (const call of conn.execs) expect(call.options?.become).to.deep.equal({ user: 'root' });
  });

  it('copy with become: content over INLINE_CONTENT_MAX_BYTES is uploaded over SFTP to /tmp, private, moved by the become exec, removed by the login user', async () => {
    const big = 'y'.repeat(INLINE_CONTENT_MAX_BYTES + 1);
    const conn = new FakeConnection([
      { command: PROBE, result: { stdout: probeOutput([{ absent: true }]) } },
      { command: /^\{ cp -- \/tmp\/\.airlock-upload-[0-9a-f]{12} \/etc\/\.app\.conf\.airlock-/ },
      { command: /^rm -f -- \/tmp\/\.airlock-upload-[0-9a-f]{12}$/ },
    ]);
    await copyModule.run({ content: big, dest: '/etc/app.conf' }, fakeContext(conn, { become: { user: 'root' } }));
    expect(conn.puts[0]?.remotePath).to.match(/^\/tmp\/\.airlock-upload-/);
    expect(conn.puts[0]?.mode).to.equal(0o600);
    expect(conn.puts[0]?.content).to.equal(big);
    expect(conn.execs[1]?.options?.stdin).to.equal(undefined);
    expect(conn.done).to.equal(true);
    const [probe, install, removal] = conn.execs;
    for (const call of [probe, install]) expect(call?.options?.become).to.deep.equal({ user: 'root' });
    // /tmp is sticky: only the upload's owner, the login user, may remove it (a non-root become user may not)
    expect(removal?.options?.become).to.equal(undefined);
    expect(removal?.command).to.equal(`rm -f -- ${conn.puts[0]?.remotePath ?? ''}`);
  });

  it('copy in check mode: probe only, nothing uploaded, reports the change and the diff', async () => {
    const conn = new FakeConnection([{ command: PROBE, result: { stdout: probeOutput([{ absent: true }]) } }]);
    const result = await copyModule.run({ content: 'new\n', dest: '/etc/app.conf', mode: '0600' }, fakeContext(conn, { check: true, diff: true }));
    expect(result).to.include({ changed: true });
    expect(result.msg).to.equal('would change: created, mode (new) -> 0600');
    expect(result.diff?.[0]).to.deep.equal({ path: '/etc/app.conf', before: '', after: 'new\n' });
    expect(conn.puts).to.have.length(0);
    expect(conn.execs).to.have.length(1);
  });

  it('copy: user errors are failed results naming the argument', async () => {
    const conn = new FakeConnection();
    expect(await copyModule.run({ content: 'x' }, fakeContext(conn))).to.include({ failed: true, msg: "copy: 'dest' is required" });
    expect(await copyModule.run({ dest: '/x' }, fakeContext(conn))).to.include({ failed: true, msg: "copy: one of 'src' or 'content' is required" });
    expect(conn.execs).to.have.length(0);
  });

  it('command in check mode runs only the creates guard', async () => {
    const conn = new FakeConnection([{ command: 'if [ -e /done ]; then echo __AIRLOCK_SKIPPED__; exit 0; fi; true', result: { stdout: '__AIRLOCK_SKIPPED__\n' } }]);
    const result = await commandModule.run({ argv: ['make', 'install'], creates: '/done' }, fakeContext(conn, { check: true }));
    expect(result).to.include({ changed: false, skipped: true, msg: 'skipped, since /done exists' });
  });

  it('command: non-zero rc fails with Ansible fields', async () => {
    const conn = new FakeConnection([{ command: 'false', result: { rc: 1, stderr: 'boom\n' } }]);
    const result = await commandModule.run({ cmd: 'false' }, fakeContext(conn));
    expect(result).to.include({ failed: true, rc: 1, stderr: 'boom', msg: 'non-zero return code', changed: true });
    expect(result.data?.['cmd']).to.deep.equal(['false']);
  });

  it('file in check mode with diff: nothing applied, before/after described', async () => {
    const conn = new FakeConnection([{ command: /^printf 'P\\t0\\n'/, result: { stdout: probeOutput([{ absent: true }]) } }]);
    const result = await fileModule.run({ path: '/srv/x', state: 'directory', mode: '0750' }, fakeContext(conn, { check: true, diff: true }));
    expect(result.changed).to.equal(true);
    expect(result.diff).to.deep.equal([{ path: '/srv/x', before: 'absent', after: 'directory (created directory, mode (new) -> 0750)' }]);
    expect(conn.execs).to.have.length(1);
  });

  it('lineinfile on a missing file without create fails like Ansible (rc 257)', async () => {
    const conn = new FakeConnection([{ command: /^printf 'P\\t0\\n'/, result: { stdout: probeOutput([{ absent: true }]) } }]);
    const result = await lineinfileModule.run({ path: '/etc/x', line: 'a' }, fakeContext(conn));
    expect(result).to.include({ failed: true, rc: 257, msg: 'Destination /etc/x does not exist !' });
  });

  it('stat: Ansible-shaped dictionary', async () => {
    const conn = new FakeConnection([{ command: /sha1sum/, result: { stdout: probeOutput([{ mode: '755', type: 'directory' }]) } }]);
    const stat = (await statModule.run({ path: '/srv' }, fakeContext(conn))).data?.['stat'] as Record<string, unknown>;
    expect(stat).to.include({ exists: true, isdir: true, isreg: false, mode: '0755', pw_name: 'root', xusr: true, woth: false });
  });
});
