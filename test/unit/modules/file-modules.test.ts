// replace, blockinfile, find, slurp, tempfile, ping, service/systemd and the Python regexp layer: the pure edits
// against what Ansible 2.14 produces for the same input, the exact commands sent, and parsing what the host prints.
import { expect } from 'chai';
import { expandPythonTemplate, PythonRegexError, pythonRegExp, pythonSubn } from '../../../src/util/python-re.js';
import { replaceInText, replaceModule } from '../../../src/modules/replace.js';
import { editBlock, parseBlockSpec, splitLinesKeepEnds, type BlockSpec } from '../../../src/modules/blockinfile.js';
import { fnmatch } from '../../../src/util/fnmatch.js';
import {
  checksumCommand, containsCommand, findListCommand, normalizePath, parseChecksums, parseFindListing, parseFindSpec, parseQuantity, selectEntries, type FindListing,
} from '../../../src/modules/find.js';
import { slurpCommand, slurpFailure, slurpModule } from '../../../src/modules/slurp.js';
import { tempfileCommand, tempfileModule } from '../../../src/modules/tempfile.js';
import { pingModule } from '../../../src/modules/ping.js';
import { serviceModule } from '../../../src/modules/service.js';
import { systemdModule } from '../../../src/modules/systemd.js';
import { parseUnitProbe, unitCommands, unitProbeCommand, type UnitStatus } from '../../../src/modules/lib/systemd-unit.js';
import { knownAnsibleModule, unsupportedModuleMessage } from '../../../src/modules/lib/ansible-catalog.js';
import { waitForConnectionModule } from '../../../src/modules/wait_for_connection.js';
import { UnreachableError } from '../../../src/connection/errors.js';
import { FakeConnection, fakeContext, probeOutput } from './fake-connection.js';

describe('Python re for modules (src/util/python-re.ts)', () => {
  it('named groups, (?P=name) and inline flags', () => {
    expect(pythonRegExp('(?P<k>\\w+)=(?P=k)').exec('a=a')?.groups).to.deep.equal({ k: 'a' });
    expect(pythonRegExp('(?i)abc').test('ABC')).to.equal(true);
    expect(pythonRegExp('\\Aa').test('ba')).to.equal(false);
  });
  it('re.sub templates: \\1, \\g<name>, \\g<0>, \\n; a bad escape is an error', () => {
    expect(pythonSubn(pythonRegExp('(a)(?P<b>b)', { global: true }), '\\2\\g<1>[\\g<0>]\\n\\g<b>$1', 'xab')).to.deep.equal({ text: 'xba[ab]\nb$1', count: 1 });
    expect(() => expandPythonTemplate('\\q', ['x'], undefined)).to.throw(PythonRegexError, 'bad escape \\q');
    expect(() => expandPythonTemplate('\\3', ['x'], undefined)).to.throw(PythonRegexError, 'invalid group reference 3');
  });
  it('verbose patterns are refused rather than misread', () => expect(() => pythonRegExp('(?x) a b')).to.throw(PythonRegexError));
});

describe('replace (pure edit)', () => {
  const text = 'host = old\n[s]\nkey = 1\nkey = 2\n[e]\nkey = 3\n';
  it('MULTILINE always: ^ and $ per line; msg counts replacements', () => {
    expect(replaceInText(text, { regexp: '^key = (\\d)$', replace: 'key = \\1!' })).to.deep.equal({ content: 'host = old\n[s]\nkey = 1!\nkey = 2!\n[e]\nkey = 3!\n', changed: true, msg: '3 replacements made' });
  });
  it('only between after and before', () => {
    expect(replaceInText(text, { regexp: '^key', replace: 'k', after: '\\[s\\]', before: '\\[e\\]' }).content).to.equal('host = old\n[s]\nk = 1\nk = 2\n[e]\nkey = 3\n');
    expect(replaceInText(text, { regexp: '^key', replace: 'k', before: '\\[e\\]' }).content).to.equal('host = old\n[s]\nk = 1\nk = 2\n[e]\nkey = 3\n');
  });
  it('no match, or a match that changes nothing: not changed', () => {
    expect(replaceInText(text, { regexp: 'nomatch', replace: 'x' })).to.deep.equal({ content: text, changed: false, msg: '' });
    expect(replaceInText(text, { regexp: 'old', replace: 'old' }).changed).to.equal(false);
  });
  it('a section that does not match says so, as Ansible', () => {
    expect(replaceInText(text, { regexp: 'x', replace: 'y', after: 'zzz' }).msg).to.equal('Pattern for before/after params did not match the given file: zzz(?P<subsection>.*)');
  });
  it('runs: probe, then the install exec; Ansible msg and rc 0', async () => {
    const conn = new FakeConnection([
      { command: /^printf 'P\\t0\\n'; if \[ -e \/etc\/app.conf \]/, result: { stdout: probeOutput([{ checksum: 'x' }], 'a = 1\n') } },
      { command: /^\{ \(umask 077 && cat > \/etc\/\.app\.conf\.airlock-[0-9a-f]{12}\) && chmod --reference=\/etc\/app\.conf/ },
    ]);
    const result = await replaceModule.run({ path: '/etc/app.conf', regexp: '1', replace: '2' }, fakeContext(conn));
    expect(result).to.include({ changed: true, msg: '1 replacements made', rc: 0 });
    expect(conn.done).to.equal(true);
  });
  it('a bad regexp fails naming module and argument', async () => {
    const conn = new FakeConnection([{ command: /^printf/, result: { stdout: probeOutput([{}], 'x\n') } }]);
    const result = await replaceModule.run({ path: '/f', regexp: '(' }, fakeContext(conn));
    expect(result.failed).to.equal(true);
    expect(result.msg).to.match(/^replace: 'regexp' is not a valid regular expression/);
  });
});

describe('blockinfile (pure edit)', () => {
  const spec = (overrides: Partial<BlockSpec> = {}): BlockSpec => ({ ...parseBlockSpec({ block: 'a = 1' }), ...overrides });
  const block = '# BEGIN ANSIBLE MANAGED BLOCK\na = 1\n# END ANSIBLE MANAGED BLOCK\n';
  it('inserted at EOF (a missing final newline added), then idempotent', () => {
    const first = editBlock('x\ny', spec());
    expect(first).to.deep.equal({ content: `x\ny\n${block}`, changed: true, msg: 'Block inserted' });
    expect(editBlock(first.content, spec())).to.deep.equal({ content: first.content, changed: false, msg: '' });
  });
  it('replaced in place where the markers are', () => {
    expect(editBlock(`x\n${block}y\n`, spec({ block: 'b = 2\n' })).content).to.equal('x\n# BEGIN ANSIBLE MANAGED BLOCK\nb = 2\n# END ANSIBLE MANAGED BLOCK\ny\n');
  });
  it('after the LAST line the anchor matches; before; BOF', () => {
    expect(editBlock('p\nq\np\nz\n', spec({ insertafter: '^p' })).content).to.equal(`p\nq\np\n${block}z\n`);
    expect(editBlock('p\nq\n', spec({ insertbefore: '^q' })).content).to.equal(`p\n${block}q\n`);
    expect(editBlock('p\n', spec({ insertbefore: 'BOF' })).content).to.equal(`${block}p\n`);
    expect(editBlock('p\n', spec({ insertafter: 'nomatch' })).content).to.equal(`p\n${block}`);
  });
  it('absent removes the block; a new file says File created', () => {
    expect(editBlock(`x\n${block}y\n`, spec({ state: 'absent' }))).to.deep.equal({ content: 'x\ny\n', changed: true, msg: 'Block removed' });
    expect(editBlock(undefined, spec())).to.deep.equal({ content: block, changed: true, msg: 'File created' });
  });
  it('custom markers (as 2.14 writes them); prepend/append newline (ansible-core 2.16 arguments, accepted ahead)', () => {
    const custom = spec({ marker: ';; {mark}', markerBegin: 'ON', markerEnd: 'OFF', prependNewline: true, appendNewline: true, insertafter: '^x' });
    expect(editBlock('x\ny\n', custom).content).to.equal('x\n\n;; ON\na = 1\n;; OFF\n\ny\n');
  });
  it('lines split as Python bytes.splitlines', () => expect(splitLinesKeepEnds('a\r\nb\rc\nd')).to.deep.equal(['a\r\n', 'b\r', 'c\n', 'd']));
  it('insertafter and insertbefore together is refused', () => {
    expect(() => parseBlockSpec({ block: 'x', insertafter: 'a', insertbefore: 'b' })).to.throw("blockinfile: 'insertafter' and 'insertbefore' are mutually exclusive");
  });
});

describe('find', () => {
  it('fnmatch as Python: *, ?, [seq], [!seq], an unclosed [ is literal', () => {
    expect(fnmatch('a.log', '*.log')).to.equal(true);
    expect(fnmatch('a.log.1', '*.log')).to.equal(false);
    expect(fnmatch('b1', '[ab]?')).to.equal(true);
    expect(fnmatch('c1', '[!ab]1')).to.equal(true);
    expect(fnmatch('[x', '[x')).to.equal(true);
  });
  it('the listing command: one exec, NUL-separated records, ~ expanded on the host, depth+1 listed', () => {
    expect(findListCommand({ paths: ['/srv/a b', '~/logs'], recurse: true, depth: 2, follow: false })).to.equal(
      `printf 'N\\t%s\\0' "$(date +%s.%N)"; printf 'P\\t0\\0'; if [ -d '/srv/a b' ]; then find '/srv/a b' -mindepth 1 -maxdepth 3 -printf 'F\\t%d\\t%y\\t%m\\t%U\\t%G\\t%u\\t%g\\t%s\\t%i\\t%D\\t%n\\t%A@\\t%T@\\t%C@\\t%p\\0' 2>/dev/null || printf 'E\\t%s\\0' 'could not read every entry'; else printf 'E\\t%s\\0' 'is not a directory'; fi; `
      + `printf 'P\\t1\\0'; if [ -d "$HOME"/logs ]; then find "$HOME"/logs -mindepth 1 -printf 'F\\t%d\\t%y\\t%m\\t%U\\t%G\\t%u\\t%g\\t%s\\t%i\\t%D\\t%n\\t%A@\\t%T@\\t%C@\\t%p\\0' 2>/dev/null || printf 'E\\t%s\\0' 'could not read every entry'; else printf 'E\\t%s\\0' 'is not a directory'; fi`.replace('find "$HOME"/logs -mindepth 1 -printf', 'find "$HOME"/logs -mindepth 1 -maxdepth 3 -printf'),
    );
    expect(findListCommand({ paths: ['/x'], recurse: false, depth: 0, follow: true })).to.include("find -L /x -mindepth 1 -maxdepth 1 -printf");
  });
  const entry = (depth: number, kind: string, path: string, size = 4, mtime = 1000): string => `F\t${depth}\t${kind}\t644\t0\t0\troot\troot\t${size}\t7\t2049\t1\t${mtime}.5\t${mtime}.5\t${mtime}.5\t${path}`;
  const stdout = ['N\t2000.0', 'P\t0', entry(1, 'f', '/t/a.log'), entry(1, 'f', '/t/.h.log'), entry(1, 'd', '/t/sub'), entry(2, 'f', '/t/sub/b.log', 4000, 1990), entry(2, 'l', '/t/sub/l'), 'P\t1', 'E\tis not a directory', ''].join('\0');
  const listing: FindListing = parseFindListing(['/t', '/nope'], stdout);
  it('parses the listing, with the skipped path in Ansible words', () => {
    expect(listing.now).to.equal(2000);
    expect(listing.entries[0]).to.have.length(5);
    expect(listing.entries[0]?.[3]).to.include({ path: '/t/sub/b.log', depth: 2, kind: 'f', mode: 0o644, size: 4000, mtime: 1990.5, owner: 'root' });
    expect(listing.skipped).to.deep.equal({ '/nope': "'/nope' is not a directory" });
  });
  const select = (args: Record<string, unknown>): string[] => selectEntries(parseFindSpec({ paths: ['/t', '/nope'], ...args }), listing).map((found) => found.path);
  it('filters as Ansible: file type, recurse, hidden, patterns, excludes, regexps, age, size', () => {
    expect(select({})).to.deep.equal(['/t/a.log']);
    expect(select({ recurse: true })).to.deep.equal(['/t/a.log', '/t/sub/b.log']);
    expect(select({ recurse: true, hidden: true, patterns: '*.log' })).to.deep.equal(['/t/a.log', '/t/.h.log', '/t/sub/b.log']);
    expect(select({ recurse: true, excludes: ['a*'] })).to.deep.equal(['/t/sub/b.log']);
    expect(select({ recurse: true, file_type: 'any' })).to.deep.equal(['/t/a.log', '/t/sub', '/t/sub/b.log', '/t/sub/l']);
    expect(select({ recurse: true, file_type: 'link' })).to.deep.equal(['/t/sub/l']);
    expect(select({ recurse: true, patterns: '^b', use_regex: true })).to.deep.equal(['/t/sub/b.log']);
    expect(select({ recurse: true, age: '-20s' })).to.deep.equal(['/t/sub/b.log']);
    expect(select({ recurse: true, age: '10m' })).to.deep.equal(['/t/a.log']);
    expect(select({ recurse: true, size: '3k' })).to.deep.equal(['/t/sub/b.log']);
    expect(select({ recurse: true, depth: 1 })).to.deep.equal(['/t/a.log']);
  });
  it('age and size units; a bad one names the argument', () => {
    expect(parseQuantity('age', '2w')).to.equal(1_209_600);
    expect(parseQuantity('size', '-1M')).to.equal(-1_048_576);
    expect(() => parseQuantity('size', '1x')).to.throw("find: failed to process size: \"1x\"");
  });
  it('contains and checksum commands, and parsing sha1sum -z', () => {
    expect(containsCommand('a.b', false, ['/t/x y'])).to.equal("grep -lZP -e '^(?:a.b)' -- '/t/x y'; [ $? -le 1 ]");
    expect(containsCommand('a', true, ['/t/x'])).to.equal('grep -lzZP -e a -- /t/x; [ $? -le 1 ]');
    expect(checksumCommand(['/t/x'])).to.equal('sha1sum -z -- /t/x');
    expect(parseChecksums(`${'a'.repeat(40)}  /t/x\n y\0`).get('/t/x\n y')).to.equal('a'.repeat(40));
  });
  it('paths are normalised as os.path.normpath', () => expect(normalizePath('/srv//a/./b/')).to.equal('/srv/a/b'));
});

describe('slurp, tempfile, ping', () => {
  it('slurp: the exact command, base64 content, Ansible failure messages', async () => {
    expect(slurpCommand('/etc/a b')).to.equal("LC_ALL=C base64 -w 0 -- '/etc/a b'");
    const conn = new FakeConnection([{ command: 'LC_ALL=C base64 -w 0 -- /etc/motd', result: { stdout: 'aGk=' } }]);
    expect((await slurpModule.run({ src: '/etc/motd' }, fakeContext(conn))).data).to.deep.equal({ content: 'aGk=', source: '/etc/motd', encoding: 'base64' });
    expect(slurpFailure('/x', 'base64: /x: No such file or directory')).to.equal('file not found: /x');
    expect(slurpFailure('/x', 'base64: read error: Is a directory')).to.equal('source is a directory and must be a file: /x');
  });
  it('tempfile: mktemp with prefix, suffix and directory; skipped under --check without a command', async () => {
    expect(tempfileCommand({ state: 'file', prefix: 'ansible.', suffix: '' })).to.equal(`mktemp --suffix='' -p "\${TMPDIR:-/tmp}" -- ansible.XXXXXXXX`);
    expect(tempfileCommand({ state: 'directory', path: '/srv/t', prefix: 'a b', suffix: '.d' })).to.equal("mktemp -d --suffix=.d -p /srv/t -- 'a bXXXXXXXX'");
    const conn = new FakeConnection();
    expect(await tempfileModule.run({}, fakeContext(conn, { check: true }))).to.include({ skipped: true, changed: false });
    expect(conn.execs).to.have.length(0);
    const made = new FakeConnection([{ command: /^mktemp /, result: { stdout: '/tmp/ansible.abcdefgh\n' } }]);
    expect(await tempfileModule.run({}, fakeContext(made))).to.deep.include({ changed: true, data: { path: '/tmp/ansible.abcdefgh' } });
    expect((await tempfileModule.run({ prefix: '../x' }, fakeContext(new FakeConnection()))).msg).to.equal("tempfile: 'prefix' and 'suffix' may not contain '/'");
  });
  it('ping: one command, {ping: data}', async () => {
    const conn = new FakeConnection([{ command: 'true' }]);
    expect(await pingModule.run({ data: 'hi' }, fakeContext(conn))).to.deep.equal({ changed: false, data: { ping: 'hi' } });
  });
});

describe('service/systemd', () => {
  const status = (overrides: Partial<UnitStatus>): UnitStatus => ({ init: 'systemd', load: 'loaded', active: 'inactive', enabled: 'disabled', ...overrides });
  it('the probe names the init system and the unit states in one exec', () => {
    expect(unitProbeCommand("nginx's")).to.equal(
      `init=$(cat /proc/1/comm 2>/dev/null); printf 'I\\t%s\\n' "$init"; if [ "$init" = systemd ]; then printf 'L\\t%s\\n' "$(systemctl show -p LoadState --value -- 'nginx'"'"'s')"; `
      + `printf 'A\\t%s\\n' "$(systemctl is-active -- 'nginx'"'"'s')"; printf 'E\\t%s\\n' "$(systemctl is-enabled -- 'nginx'"'"'s' 2>/dev/null)"; fi`,
    );
    expect(parseUnitProbe('I\tsystemd\nL\tloaded\nA\tactive\nE\tenabled\n')).to.deep.equal({ init: 'systemd', load: 'loaded', active: 'active', enabled: 'enabled' });
  });
  it('only the commands that change something', () => {
    expect(unitCommands({ name: 'nginx', state: 'started', enabled: true, daemonReload: false }, status({}))).to.deep.equal(['systemctl enable -- nginx', 'systemctl start -- nginx']);
    expect(unitCommands({ name: 'nginx', state: 'started', enabled: true, daemonReload: false }, status({ active: 'active', enabled: 'enabled' }))).to.deep.equal([]);
    expect(unitCommands({ name: 'nginx', state: 'stopped', daemonReload: false }, status({ active: 'active' }))).to.deep.equal(['systemctl stop -- nginx']);
    expect(unitCommands({ name: 'nginx', state: 'reloaded', daemonReload: false }, status({}))).to.deep.equal(['systemctl start -- nginx']);
  });
  it('without systemd: a clear failure naming PID 1, never ok (also under --check)', async () => {
    for (const [module, check] of [[serviceModule, false], [systemdModule, true]] as const) {
      const conn = new FakeConnection([{ command: /^init=\$\(cat \/proc\/1\/comm/, result: { stdout: 'I\tsshd\n' } }]);
      const result = await module.run({ name: 'nginx', state: 'started' }, fakeContext(conn, { check }));
      expect(result).to.include({ failed: true, changed: false, msg: `${module.name}: not available on this host: no systemd (PID 1 is sshd)` });
    }
  });
  it('an argument airlock does not implement is named', async () => {
    const result = await serviceModule.run({ name: 'x', state: 'started', pattern: 'x' }, fakeContext(new FakeConnection()));
    expect(result.msg).to.equal("service: 'pattern' is not supported by airlock");
  });
});

describe('well-known Ansible modules airlock lacks', () => {
  it('are named by their FQCN, whichever way the playbook wrote them', () => {
    expect(unsupportedModuleMessage('apt')).to.equal('ansible.builtin.apt is not supported by airlock');
    expect(unsupportedModuleMessage('ansible.legacy.get_url')).to.equal('ansible.builtin.get_url is not supported by airlock');
    expect(unsupportedModuleMessage('mount')).to.equal('ansible.posix.mount is not supported by airlock');
    expect(knownAnsibleModule('community.general.ufw')).to.equal('community.general.ufw');
  });
  it('a typo is not one of them', () => expect(unsupportedModuleMessage('coppy')).to.equal(undefined));
});

describe('wait_for_connection', () => {
  it('retries through a dropped link until the host answers, on the fresh connection', async () => {
    const fresh = new FakeConnection([{ command: 'true' }]);
    let tries = 0;
    const reconnect = async (): Promise<FakeConnection> => {
      tries += 1;
      if (tries < 3) throw new UnreachableError('fake1', 'connection refused');
      return fresh;
    };
    const result = await waitForConnectionModule.run({ sleep: 0.01, timeout: 5 }, fakeContext(new FakeConnection(), { reconnect }));
    expect(result).to.deep.equal({ changed: false, data: { elapsed: 0 } });
    expect(tries).to.equal(3);
    expect(fresh.done).to.equal(true);
  });
  it('times out with the last error, as Ansible words it', async () => {
    const reconnect = async (): Promise<FakeConnection> => {
      throw new UnreachableError('fake1', 'connection refused');
    };
    const result = await waitForConnectionModule.run({ sleep: 0.01, timeout: 0.05 }, fakeContext(new FakeConnection(), { reconnect }));
    expect(result).to.include({ failed: true, msg: 'timed out waiting for ping module test: connection refused' });
  });
  it('is skipped under --check', async () => {
    expect(await waitForConnectionModule.run({}, fakeContext(new FakeConnection(), { check: true }))).to.deep.equal({ changed: false, skipped: true });
  });
});
