// known_hosts: the decisions over ssh-keygen -F output and the file's text, and the exact commands sent.
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { hashHostKey, knownHostsAfter, searchOutput } from '../../../src/modules/lib/known-hosts.js';
import { knownHostsModule, removeCommand, sanityCommand, searchCommand } from '../../../src/modules/known_hosts.js';
import { probeCommand } from '../../../src/modules/lib/remote-state.js';
import { FakeConnection, fakeContext, probeOutput } from './fake-connection.js';

const KEY = 'git.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBB';
const OTHER = 'git.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICCC';
const found = (line: string, at: number): string => `# Host git.example found: line ${at}\n${line}\n`;

describe('known_hosts: decisions', () => {
  it('the same key is found and left alone; another key of the type is replaced in place', () => {
    expect(searchOutput(found(KEY, 2), `${KEY}\n`)).to.deep.equal({ found: true, replaceOrAdd: false, foundLine: 2 });
    expect(searchOutput(found(OTHER, 2), `${KEY}\n`)).to.deep.equal({ found: true, replaceOrAdd: true, foundLine: 2 });
    expect(searchOutput(found('git.example ssh-rsa AAAAB3', 1), `${KEY}\n`)).to.deep.equal({ found: true, replaceOrAdd: true });
  });
  it('the new text: the replaced line dropped, the key appended (as Ansible, even after a last line without newline)', () => {
    const before = `a ssh-rsa X\n${OTHER}\nb ssh-rsa Y\n`;
    expect(knownHostsAfter(before, { found: true, replaceOrAdd: true, foundLine: 2 }, 'present', `${KEY}\n`)).to.equal(`a ssh-rsa X\nb ssh-rsa Y\n${KEY}\n`);
    expect(knownHostsAfter(before, { found: true, replaceOrAdd: false, foundLine: 2 }, 'absent', `${OTHER}\n`)).to.equal('a ssh-rsa X\nb ssh-rsa Y\n');
    expect(knownHostsAfter('a ssh-rsa X', { found: false, replaceOrAdd: false }, 'present', `${KEY}\n`)).to.equal(`a ssh-rsa X${KEY}\n`);
  });
  it('hash_host writes |1|salt|HMAC-SHA1(salt, host) in place of the host', () => {
    const salt = Buffer.alloc(20, 7);
    const hashed = hashHostKey('git.example', KEY, salt);
    expect(hashed).to.equal(`|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('git.example').digest('base64')} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBB`);
    // an entry the file hashed with its own salt still counts as the same key
    expect(searchOutput(found(hashHostKey('git.example', KEY, Buffer.alloc(20, 1)), 1), hashed).replaceOrAdd).to.equal(false);
  });
});

describe('known_hosts: the commands', () => {
  it('sanity check, search and remove are ssh-keygen as Ansible runs it', () => {
    expect(sanityCommand('git.example', `${KEY}\n`)).to.equal(
      `t=$(mktemp) && printf '%s' 'git.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBB\n' > "$t" && ssh-keygen -F git.example -f "$t"; rc=$?; rm -f -- "$t"; exit $rc`,
    );
    expect(searchCommand('git.example', '/root/.ssh/known_hosts')).to.equal('ssh-keygen -F git.example -f /root/.ssh/known_hosts');
    expect(removeCommand('git.example', '/srv/kh')).to.equal('ssh-keygen -R git.example -f /srv/kh');
  });
  it('run: add to a new file under ~ (sanity, probe, parent check, install); the result carries the key as given', async () => {
    const probe = probeCommand(['/root/.ssh/known_hosts'], { content: true, follow: true });
    const conn = new FakeConnection([
      { command: `printf '%s\\n' "$HOME"`, result: { stdout: '/root\n' } },
      { command: sanityCommand('git.example', `${KEY}\n`), result: { stdout: found(KEY, 1) } },
      { command: probe, result: { stdout: probeOutput([{ absent: true }]) } },
      { command: '[ -d /root/.ssh ]' },
      { command: /^\{ \(umask 077 && cat > \/root\/\.ssh\/\.known_hosts\.airlock-\w+\) && chmod 0644 -- \S+ && mv -f -- \S+ \/root\/\.ssh\/known_hosts; \}/ },
    ]);
    const result = await knownHostsModule.run({ name: 'Git.Example', key: KEY }, fakeContext(conn));
    expect(result).to.deep.equal({ changed: true, data: { name: 'git.example', key: KEY, path: '/root/.ssh/known_hosts', hash_host: false, state: 'present' } });
    expect(conn.execs[4]?.options?.stdin?.toString()).to.equal(`${KEY}\n`);
    expect(conn.done).to.equal(true);
  });
  it('run: the key already there is ok', async () => {
    const conn = new FakeConnection([
      { command: sanityCommand('git.example', `${KEY}\n`), result: { stdout: found(KEY, 1) } },
      { command: probeCommand(['/srv/kh'], { content: true, follow: true }), result: { stdout: probeOutput([{}], `${KEY}\n`) } },
      { command: searchCommand('git.example', '/srv/kh'), result: { stdout: found(KEY, 1) } },
    ]);
    expect((await knownHostsModule.run({ name: 'git.example', key: KEY, path: '/srv/kh' }, fakeContext(conn))).changed).to.equal(false);
  });
  it('run: absent without a key is ssh-keygen -R', async () => {
    const conn = new FakeConnection([
      { command: probeCommand(['/srv/kh'], { content: true, follow: true }), result: { stdout: probeOutput([{}], `${KEY}\n`) } },
      { command: searchCommand('git.example', '/srv/kh'), result: { stdout: found(KEY, 1) } },
      { command: removeCommand('git.example', '/srv/kh') },
    ]);
    expect((await knownHostsModule.run({ name: 'git.example', path: '/srv/kh', state: 'absent' }, fakeContext(conn))).changed).to.equal(true);
    expect(conn.done).to.equal(true);
  });
  it('a key for another host is refused as Ansible refuses it', async () => {
    const conn = new FakeConnection([{ command: sanityCommand('other.example', `${KEY}\n`) }]);
    expect((await knownHostsModule.run({ name: 'other.example', key: KEY, path: '/srv/kh' }, fakeContext(conn))).msg).to.equal('Host parameter does not match hashed host field in supplied key');
  });
});
