// authorized_key: Ansible's edit of the authorized_keys text, and the exact commands the module sends.
import { expect } from 'chai';
import { editKeyFile, parseKeyOptions, parseKeyLine } from '../../../src/modules/lib/authorized-keys.js';
import { authorizedKeyModule, keyDirectoryCommand } from '../../../src/modules/authorized_key.js';
import { probeCommand } from '../../../src/modules/lib/remote-state.js';
import { FakeConnection, fakeContext, probeOutput } from './fake-connection.js';

const A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAA alice@laptop';
const B = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAB bob';
const present = (keys: string, extra: Record<string, unknown> = {}): Parameters<typeof editKeyFile>[1] => ({ keys, state: 'present', exclusive: false, ...extra });

describe('authorized_key: the edit', () => {
  it('options: commas inside quotes do not split, flags have no value', () => {
    expect(parseKeyOptions('no-pty,command="echo a,b",from="10.0.0.1"')).to.deep.equal([['no-pty', null], ['command', '"echo a,b"'], ['from', '"10.0.0.1"']]);
  });
  it('a line without a known key type is no key', () => {
    expect(parseKeyLine('garbage here', 0)).to.equal(undefined);
  });
  it('adds to an empty file; a key without a comment gets the trailing space Ansible writes', () => {
    expect(editKeyFile('', present('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAA'))).to.deep.equal({ changed: true, content: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAA \n' });
  });
  it('a key already there is unchanged, whatever else the file holds', () => {
    const file = `# managed\n\n${A}\n`;
    expect(editKeyFile(file, present(A))).to.deep.equal({ changed: false, content: file });
  });
  it('a different comment replaces the line and moves it after the file\'s entries; other lines are kept', () => {
    expect(editKeyFile(`${A}\n# note\n${B}\n`, present(A, { comment: 'new' }))).to.deep.equal({
      changed: true, content: `# note\n${B}\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAA new\n`,
    });
  });
  it('key_options are written before the key', () => {
    expect(editKeyFile('', present(A, { keyOptions: 'no-port-forwarding,from="10.*"' }))).to.deep.equal({ changed: true, content: `no-port-forwarding,from="10.*" ${A}\n` });
  });
  it('several keys at once, absent removes, exclusive drops the rest', () => {
    expect(editKeyFile('', present(`${A}\n# skip\n${B}`))).to.deep.equal({ changed: true, content: `${A}\n${B}\n` });
    expect(editKeyFile(`${A}\n${B}\n`, { keys: B, state: 'absent', exclusive: false })).to.deep.equal({ changed: true, content: `${A}\n` });
    expect(editKeyFile(`# c\n${A}\n${B}\n`, present(B, { exclusive: true }))).to.deep.equal({ changed: true, content: `${B}\n` });
  });
  it('an invalid key is Ansible\'s message', () => {
    expect(editKeyFile('', present('not a key'))).to.deep.equal({ error: 'invalid key specified: not a key' });
  });
});

describe('authorized_key: the commands', () => {
  const alice = { name: 'alice', uid: 1001, gid: 1002, gecos: '', home: '/home/alice', shell: '/bin/sh' };
  it('the directory step makes ~/.ssh 0700 and owned by the user', () => {
    expect(keyDirectoryCommand('/home/alice/.ssh/authorized_keys', alice, true, '/home/alice/.ssh')).to.equal(
      '{ [ -d /home/alice/.ssh ] || mkdir -m 0700 -- /home/alice/.ssh; } && chown 1001:1002 -- /home/alice/.ssh && chmod 0700 -- /home/alice/.ssh && mkdir -p -- /home/alice/.ssh',
    );
  });
  it('run: getent, probe, directory, install (0600, the user\'s); a second run stops after the probe', async () => {
    const keyfile = '/home/alice/.ssh/authorized_keys';
    const conn = new FakeConnection([
      { command: 'getent passwd alice', result: { stdout: 'alice:x:1001:1002::/home/alice:/bin/sh\n' } },
      { command: probeCommand([keyfile], { checksum: 'sha256', content: true, follow: true }), result: { stdout: probeOutput([{ absent: true }]) } },
      { command: keyDirectoryCommand(keyfile, alice, true, '/home/alice/.ssh') },
      { command: /^\{ \(umask 077 && cat > \/home\/alice\/\.ssh\/\.authorized_keys\.airlock-\w+\) && chown 1001:1002 -- \S+ && chmod 0600 -- \S+ && mv -f -- \S+ \/home\/alice\/\.ssh\/authorized_keys; \}/ },
      { command: 'getent passwd alice', result: { stdout: 'alice:x:1001:1002::/home/alice:/bin/sh\n' } },
      { command: probeCommand([keyfile], { checksum: 'sha256', content: true, follow: true }), result: { stdout: probeOutput([{ mode: '600' }], `${A}\n`) } },
    ]);
    const first = await authorizedKeyModule.run({ user: 'alice', key: A }, fakeContext(conn));
    expect(first.changed).to.equal(true);
    expect(first.data?.keyfile).to.equal(keyfile);
    expect(conn.execs[3]?.options?.stdin?.toString()).to.equal(`${A}\n`);
    expect((await authorizedKeyModule.run({ user: 'alice', key: A }, fakeContext(conn))).changed).to.equal(false);
    expect(conn.done).to.equal(true);
  });
  it('check mode with a path looks no user up and writes nothing', async () => {
    const conn = new FakeConnection([{ command: probeCommand(['/srv/k'], { checksum: 'sha256', content: true, follow: true }), result: { stdout: probeOutput([{ absent: true }]) } }]);
    const result = await authorizedKeyModule.run({ user: 'nobody-yet', key: A, path: '/srv/k' }, fakeContext(conn, { check: true, diff: true }));
    expect(result.changed).to.equal(true);
    expect(result.diff).to.deep.equal([{ path: '/srv/k', before: '', after: `${A}\n` }]);
  });
  it('a missing user is Ansible\'s message', async () => {
    const conn = new FakeConnection([{ command: 'getent passwd ghost', result: { rc: 2 } }]);
    expect((await authorizedKeyModule.run({ user: 'ghost', key: A }, fakeContext(conn))).msg).to.equal(`Failed to lookup user ghost: "getpwnam(): name not found: 'ghost'"`);
  });
});
