// Small-file work over SFTP against an in-memory SFTP server: the order of the requests an install sends (owner before
// mode, rename last), what is left on the "host" when a step fails, and how lstat and the bounded read answer.
import { expect } from 'chai';
import type ssh2 from 'ssh2';
import { sftpInstallFile, sftpLstat, sftpReadSmallFile } from '../../../src/connection/sftp-files.js';
import { rejectionOf } from '../../support/rejection.js';

type Callback = (error?: Error | null) => void;

interface FakeNode {
  mode: number;
  content: Buffer;
  uid: number;
  gid: number;
}

function sftpError(message: string, code: number): Error {
  return Object.assign(new Error(message), { code });
}

/** A host file system as a map; every request is logged by name so the test can assert the sequence. */
class FakeSftp {
  readonly files = new Map<string, FakeNode>();
  readonly requests: string[] = [];
  readonly _extensions: Record<string, string> = { 'posix-rename@openssh.com': '1' };
  failWrite = false;
  private readonly handles = new Map<string, string>();

  private node(path: string): FakeNode | undefined {
    return this.files.get(path);
  }

  private stats(node: FakeNode): ssh2.Stats {
    return { mode: node.mode, uid: node.uid, gid: node.gid, size: node.content.length, atime: 1, mtime: 2 } as ssh2.Stats;
  }

  lstat(path: string, cb: (error: Error | undefined, stats: ssh2.Stats) => void): void {
    this.requests.push(`lstat ${path}`);
    const node = this.node(path);
    setImmediate(() => (node ? cb(undefined, this.stats(node)) : cb(sftpError('No such file', 2), undefined as unknown as ssh2.Stats)));
  }

  open(path: string, flags: string, attrs: unknown, cb?: (error: Error | undefined, handle: Buffer) => void): void {
    const callback = (typeof attrs === 'function' ? attrs : cb) as (error: Error | undefined, handle: Buffer) => void;
    this.requests.push(`open ${path} ${flags}`);
    const directory = path.slice(0, path.lastIndexOf('/')) || '/';
    setImmediate(() => {
      if (flags === 'wx' && !this.files.has(`${directory}/`)) return callback(sftpError('No such file', 2), Buffer.alloc(0));
      if (flags === 'wx' && this.files.has(path)) return callback(sftpError('Failure', 4), Buffer.alloc(0));
      if (flags === 'r' && !this.files.has(path)) return callback(sftpError('No such file', 2), Buffer.alloc(0));
      if (flags === 'wx') this.files.set(path, { mode: 0o100600, content: Buffer.alloc(0), uid: 0, gid: 0 });
      const handle = Buffer.from(`h${this.handles.size}`);
      this.handles.set(handle.toString(), path);
      callback(undefined, handle);
    });
  }

  private pathOf(handle: Buffer): string {
    return this.handles.get(handle.toString()) ?? '';
  }

  write(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, cb: Callback): void {
    this.requests.push(`write ${position}+${length}`);
    const node = this.node(this.pathOf(handle));
    setImmediate(() => {
      if (this.failWrite || !node) return cb(sftpError('Failure (no space left)', 4));
      const end = position + length;
      if (end > node.content.length) node.content = Buffer.concat([node.content, Buffer.alloc(end - node.content.length)]);
      buffer.copy(node.content, position, offset, offset + length);
      cb();
    });
  }

  read(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, cb: (error: Error | undefined, count: number) => void): void {
    this.requests.push(`read ${position}`);
    const node = this.node(this.pathOf(handle));
    setImmediate(() => {
      if (!node || position >= node.content.length) return cb(sftpError('EOF', 1), 0);
      const count = node.content.copy(buffer, offset, position, Math.min(position + length, node.content.length));
      cb(undefined, count);
    });
  }

  fstat(handle: Buffer, cb: (error: Error | undefined, stats: ssh2.Stats) => void): void {
    const node = this.node(this.pathOf(handle)) as FakeNode;
    setImmediate(() => cb(undefined, this.stats(node)));
  }

  fchown(handle: Buffer, uid: number, gid: number, cb: Callback): void {
    this.requests.push(`fchown ${uid}:${gid}`);
    const node = this.node(this.pathOf(handle)) as FakeNode;
    setImmediate(() => {
      Object.assign(node, { uid, gid, mode: node.mode & ~0o6000 });
      cb();
    });
  }

  fchmod(handle: Buffer, mode: number, cb: Callback): void {
    this.requests.push(`fchmod ${mode.toString(8)}`);
    const node = this.node(this.pathOf(handle)) as FakeNode;
    setImmediate(() => {
      node.mode = 0o100000 | mode;
      cb();
    });
  }

  close(handle: Buffer, cb: Callback): void {
    this.requests.push('close');
    this.handles.delete(handle.toString());
    setImmediate(() => cb());
  }

  ext_openssh_rename(from: string, to: string, cb: Callback): void {
    this.requests.push(`posix-rename ${from} ${to}`);
    setImmediate(() => {
      this.files.set(to, this.files.get(from) as FakeNode);
      this.files.delete(from);
      cb();
    });
  }

  unlink(path: string, cb: Callback): void {
    this.requests.push(`unlink ${path}`);
    this.files.delete(path);
    setImmediate(() => cb());
  }
}

function hostWith(...paths: string[]): FakeSftp {
  const sftp = new FakeSftp();
  sftp.files.set('/etc/', { mode: 0o040755, content: Buffer.alloc(0), uid: 0, gid: 0 });
  for (const path of paths) sftp.files.set(path, { mode: 0o100644, content: Buffer.from('old\n'), uid: 33, gid: 33 });
  return sftp;
}

const asSftp = (fake: FakeSftp): ssh2.SFTPWrapper => fake as unknown as ssh2.SFTPWrapper;
const noFallback = { rename: (): Promise<void> => Promise.reject(new Error('the fallback must not be used')) };

describe('connection/sftp-files', () => {
  it('installs through a private O_EXCL staging file: write, owner, then mode, close, one atomic rename', async () => {
    const sftp = hostWith('/etc/app.conf');
    await sftpInstallFile(asSftp(sftp), { content: Buffer.from('new\n'), staged: '/etc/.app.conf.airlock-1', dest: '/etc/app.conf', mode: 0o4750, owner: { uid: 33, gid: 33 } }, noFallback);
    expect(sftp.requests).to.deep.equal(['open /etc/.app.conf.airlock-1 wx', 'write 0+4', 'fchown 33:33', 'fchmod 4750', 'close', 'posix-rename /etc/.app.conf.airlock-1 /etc/app.conf']);
    const installed = sftp.files.get('/etc/app.conf');
    // the setuid bit survives because the owner was set first (a chown clears it)
    expect(installed?.mode).to.equal(0o104750);
    expect(installed?.content.toString()).to.equal('new\n');
    expect(sftp.files.has('/etc/.app.conf.airlock-1')).to.equal(false);
  });

  it('sends content larger than one request as several writes in order', async () => {
    const sftp = hostWith();
    const content = Buffer.alloc(300 * 1024, 7);
    await sftpInstallFile(asSftp(sftp), { content, staged: '/etc/.big.airlock-1', dest: '/etc/big', mode: 0o644 }, noFallback);
    expect(sftp.requests.filter((r) => r.startsWith('write'))).to.deep.equal(['write 0+131072', 'write 131072+131072', 'write 262144+45056']);
    expect(sftp.files.get('/etc/big')?.content.equals(content)).to.equal(true);
  });

  it('a failed write removes the staging file and leaves the destination as it was', async () => {
    const sftp = hostWith('/etc/app.conf');
    sftp.failWrite = true;
    const error = await rejectionOf(sftpInstallFile(asSftp(sftp), { content: Buffer.from('new\n'), staged: '/etc/.s', dest: '/etc/app.conf', mode: 0o644 }, noFallback), Error);
    expect(error.message).to.equal('Failure (no space left)');
    expect(sftp.files.has('/etc/.s')).to.equal(false);
    expect(sftp.files.get('/etc/app.conf')?.content.toString()).to.equal('old\n');
    expect(sftp.requests).to.not.include('posix-rename /etc/.s /etc/app.conf');
  });

  it('names the missing directory, and never touches a staging name that already exists', async () => {
    const missing = await rejectionOf(sftpInstallFile(asSftp(hostWith()), { content: Buffer.from('x'), staged: '/opt/app/.f.airlock-1', dest: '/opt/app/f', mode: 0o644 }, noFallback), Error);
    expect(missing.message).to.equal('no such directory: /opt/app');
    const sftp = hostWith('/etc/.planted');
    await rejectionOf(sftpInstallFile(asSftp(sftp), { content: Buffer.from('x'), staged: '/etc/.planted', dest: '/etc/f', mode: 0o644 }, noFallback), Error);
    expect(sftp.files.get('/etc/.planted')?.content.toString()).to.equal('old\n');
    expect(sftp.requests).to.deep.equal(['open /etc/.planted wx']);
  });

  it('falls back to the given rename on a server without posix-rename', async () => {
    const sftp = hostWith();
    delete sftp._extensions['posix-rename@openssh.com'];
    const renamed: string[] = [];
    await sftpInstallFile(asSftp(sftp), { content: Buffer.from('x'), staged: '/etc/.f', dest: '/etc/f', mode: 0o600 }, { rename: async (from, to) => void renamed.push(`${from} -> ${to}`) });
    expect(renamed).to.deep.equal(['/etc/.f -> /etc/f']);
  });

  it('lstat reports the type, permission bits and owner; undefined when absent', async () => {
    const sftp = hostWith('/etc/app.conf');
    sftp.files.set('/etc/link', { mode: 0o120777, content: Buffer.from('app.conf'), uid: 0, gid: 0 });
    expect(await sftpLstat(asSftp(sftp), '/etc/app.conf')).to.deep.equal({ type: 'file', mode: 0o644, uid: 33, gid: 33, size: 4, mtimeMs: 2000, atimeMs: 1000 });
    expect((await sftpLstat(asSftp(sftp), '/etc/link'))?.type).to.equal('link');
    expect((await sftpLstat(asSftp(sftp), '/etc/'))?.type).to.equal('directory');
    expect(await sftpLstat(asSftp(sftp), '/etc/none')).to.equal(undefined);
  });

  it('reads a small file to its end, and refuses one over the limit', async () => {
    const sftp = hostWith('/etc/app.conf');
    expect((await sftpReadSmallFile(asSftp(sftp), '/etc/app.conf', 64)).toString()).to.equal('old\n');
    const error = await rejectionOf(sftpReadSmallFile(asSftp(sftp), '/etc/app.conf', 3), Error);
    expect(error.message).to.equal('/etc/app.conf: 4 bytes, more than the 3 this read allows');
    expect(sftp.requests.filter((r) => r === 'close')).to.have.length(2);
  });
});
