// pyinfra-style: representative arguments in, the EXACT command lines out. These strings are what reaches the host.
import { expect } from 'chai';
import { commandModuleLine, guardOnlyCommand, rawModuleLine, shellModuleLine } from '../../../src/modules/lib/command-line.js';
import { scriptRunLine } from '../../../src/modules/script.js';
import { shlexSplit } from '../../../src/parsing/shlex.js';
import { fileCommands, recurseCheck, type FileArgs } from '../../../src/modules/file.js';
import { attributeCommands, applySymbolicMode, normalizeMode } from '../../../src/modules/lib/attributes.js';
import { installCommand, stagePaths } from '../../../src/modules/lib/deploy.js';
import { waitForCommand, type WaitSpec } from '../../../src/modules/wait_for.js';
import { probeCommand, parseProbe, type RemoteState } from '../../../src/modules/lib/remote-state.js';
import { commandArgv } from '../../../src/modules/command.js';
import { probeOutput } from './fake-connection.js';

describe('modules: exact command lines', () => {
  const commandCases: Array<[string, () => string, string]> = [
    ['command argv', () => commandModuleLine(['ls', '-l', '/srv/a b'], {}), "ls -l '/srv/a b'"],
    ['command chdir', () => commandModuleLine(['make'], { chdir: '/opt/app' }), 'cd -- /opt/app && make'],
    ['command creates', () => commandModuleLine(['touch', '/x'], { creates: '/x' }), 'if [ -e /x ]; then echo __AIRLOCK_SKIPPED__; exit 0; fi; touch /x'],
    ['command removes', () => commandModuleLine(['rm', '/x'], { removes: '/x' }), 'if [ ! -e /x ]; then echo __AIRLOCK_SKIPPED__; exit 0; fi; rm /x'],
    ['command with $() stays literal', () => commandModuleLine(['echo', '$(id)'], {}), "echo '$(id)'"],
    ['shell default /bin/sh', () => shellModuleLine('ls | wc -l', {}), "/bin/sh -c 'ls | wc -l'"],
    ['shell executable + chdir', () => shellModuleLine('echo $0', { executable: '/bin/bash', chdir: '/tmp/a b' }), "cd -- '/tmp/a b' && /bin/bash -c 'echo $0'"],
    ['raw as written', () => rawModuleLine('uptime; id', undefined), 'uptime; id'],
    ['raw with executable', () => rawModuleLine('uptime', '/bin/bash'), '/bin/bash -c uptime'],
    ['script run + cleanup', () => scriptRunLine('/tmp/.airlock-script-1', ["it's", 'b'], { chdir: '/srv' }), "cd -- /srv && /tmp/.airlock-script-1 'it'\"'\"'s' b; rc=$?; rm -f -- /tmp/.airlock-script-1; exit $rc"],
    ['script with executable', () => scriptRunLine('/tmp/s', [], { executable: '/usr/bin/python3' }), '/usr/bin/python3 /tmp/s; rc=$?; rm -f -- /tmp/s; exit $rc'],
    ['guard only (check mode)', () => guardOnlyCommand({ creates: '/etc/done' }), 'if [ -e /etc/done ]; then echo __AIRLOCK_SKIPPED__; exit 0; fi; true'],
  ];
  for (const [name, build, expected] of commandCases) {
    it(name, () => expect(build()).to.equal(expected));
  }

  const shlexCases: Array<[string, string[]]> = [
    ['ls -l /tmp', ['ls', '-l', '/tmp']],
    [`echo "a  b" 'c d' e\\ f`, ['echo', 'a  b', 'c d', 'e f']],
    [`echo "x\\"y" '$HOME'`, ['echo', 'x"y', '$HOME']],
    ['  spaced   out  ', ['spaced', 'out']],
    [`a""b ''`, ['ab', '']],
  ];
  for (const [input, words] of shlexCases) {
    it(`shlex splits ${JSON.stringify(input)} like Python`, () => expect(shlexSplit(input)).to.deep.equal(words));
  }
  it('shlex rejects an unclosed quote', () => expect(() => shlexSplit(`echo "oops`)).to.throw('No closing quotation'));
  it('command: cmd and argv together is a user error naming both', () => {
    expect(() => commandArgv({ cmd: 'ls', argv: ['ls'] })).to.throw("command: 'cmd' and 'argv' are mutually exclusive");
  });
});

describe('modules: file, attributes and install plans', () => {
  const state = (overrides: Partial<RemoteState>): RemoteState => ({
    path: '/p', type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', size: 0, mtime: 0, atime: 0, ctime: 0, inode: 1, nlink: 1, fileType: 'regular file', ...overrides,
  });
  const absent = state({ type: 'absent', mode: '' });
  const args = (overrides: Partial<FileArgs>): FileArgs => ({ path: '/srv/d', state: 'directory', recurse: false, force: false, attributes: {}, ...overrides });

  const cases: Array<[string, FileArgs, RemoteState, string[], string?]> = [
    ['directory absent -> mkdir + chmod', args({ attributes: { mode: '0750' } }), absent, ['mkdir -p -- /srv/d', 'chmod 0750 -- /srv/d']],
    ['directory present, same mode -> nothing', args({ attributes: { mode: '0755' } }), state({ type: 'directory', mode: '0755' }), []],
    ['directory owner differs -> chown', args({ attributes: { owner: 'www-data', group: 'root' } }), state({ type: 'directory' }), ['chown www-data -- /srv/d']],
    ['absent on a file -> rm -rf', args({ state: 'absent' }), state({}), ['rm -rf -- /srv/d']],
    ['absent when absent -> nothing', args({ state: 'absent' }), absent, []],
    ['touch absent -> touch', args({ state: 'touch', path: '/f' }), absent, ['touch -- /f']],
    ['touch present -> timestamps kept', args({ state: 'touch', path: '/f' }), state({}), []],
    ['symbolic mode applied as computed octal', args({ state: 'file', path: '/f', attributes: { mode: 'g+w' } }), state({}), ['chmod 0664 -- /f']],
    ['link new', args({ state: 'link', path: '/l', src: '/t' }), absent, ['ln -sfn -- /t /l']],
    ['link same target', args({ state: 'link', path: '/l', src: '/t' }), state({ type: 'link', linkTarget: '/t' }), []],
  ];
  for (const [name, fileArgs, current, commands] of cases) {
    it(name, () => expect(fileCommands(fileArgs, current).commands).to.deep.equal(commands));
  }
  it('recurse: only when something below differs', () => {
    const recursing = args({ recurse: true, attributes: { mode: '0755', owner: 'app' } });
    expect(fileCommands(recursing, state({ type: 'directory', mode: '0755', owner: 'app' }), false).commands).to.deep.equal([]);
    expect(fileCommands(recursing, state({ type: 'directory', mode: '0755', owner: 'app' }), true).commands).to.deep.equal(['chown -R app -- /srv/d', 'chmod -R 0755 -- /srv/d']);
    expect(recurseCheck('/srv/d', { mode: '0755', owner: 'app' })).to.equal(
      `if [ -d /srv/d ]; then printf '%s\\t%s\\n' R "$(find /srv/d -mindepth 1 \\( ! -user app -o ! -perm 0755 \\) -print 2>/dev/null | head -n 1 | wc -l)"; fi`,
    );
  });
  it('file state=file on a missing path fails like Ansible', () => {
    expect(fileCommands(args({ state: 'file', path: '/nope' }), absent).error).to.equal('file (/nope) is absent, cannot continue');
  });
  it('refuses to replace a regular file with a link without force', () => {
    expect(fileCommands(args({ state: 'link', path: '/l', src: '/t' }), state({})).error).to.include('force: true');
  });

  it('modes: numbers are values, strings octal or symbolic, garbage is a user error', () => {
    expect(normalizeMode('file', 0o644)).to.equal('0644');
    expect(normalizeMode('file', '755')).to.equal('0755');
    expect(normalizeMode('file', 'u+x,g-w')).to.equal('u+x,g-w');
    expect(() => normalizeMode('copy', '$(id)')).to.throw("copy: 'mode' must be octal");
    expect(applySymbolicMode(0o644, 'u+x,go-r', false).toString(8)).to.equal('700');
    expect(applySymbolicMode(0o600, 'a=rX', true).toString(8)).to.equal('555');
  });
  it('attributes: chown before chmod, numeric owners compare with uid', () => {
    expect(attributeCommands('/f', { owner: '0', group: 'adm', mode: '0600' }, state({}), 'copy').commands).to.deep.equal(['chown :adm -- /f', 'chmod 0600 -- /f']);
  });

  it('install: staged next to dest, existing attributes copied, backup, cleanup on failure', () => {
    const paths = stagePaths('/etc/app.conf', 'abc', false);
    expect(paths).to.deep.equal({ upload: '/etc/.app.conf.airlock-abc', staged: '/etc/.app.conf.airlock-abc' });
    expect(installCommand({ paths, dest: '/etc/app.conf', preserveExisting: true, attributeCommands: ['chmod 0600 -- /etc/.app.conf.airlock-abc'], backup: '/etc/app.conf.2024~' })).to.equal(
      "{ cp -p -- /etc/app.conf '/etc/app.conf.2024~' &&" +
        ' chmod --reference=/etc/app.conf -- /etc/.app.conf.airlock-abc && chown --reference=/etc/app.conf -- /etc/.app.conf.airlock-abc' +
        ' && chmod 0600 -- /etc/.app.conf.airlock-abc && mv -f -- /etc/.app.conf.airlock-abc /etc/app.conf; } || { rc=$?; rm -f -- /etc/.app.conf.airlock-abc; exit $rc; }',
    );
  });
  it('install of content on stdin: written straight to the private staging name, then the usual steps', () => {
    const paths = stagePaths('/etc/x', 't2', false);
    expect(installCommand({ paths, dest: '/etc/x', preserveExisting: false, attributeCommands: ['chmod 0644 -- /etc/.x.airlock-t2'], contentOnStdin: true })).to.equal(
      '{ (umask 077 && cat > /etc/.x.airlock-t2) && chmod 0644 -- /etc/.x.airlock-t2 && mv -f -- /etc/.x.airlock-t2 /etc/x; } || { rc=$?; rm -f -- /etc/.x.airlock-t2; exit $rc; }',
    );
  });
  it('install with become: uploaded to /tmp, copied next to dest by the privileged exec', () => {
    const paths = stagePaths('/etc/x', 't1', true);
    expect(installCommand({ paths, dest: '/etc/x', preserveExisting: false, attributeCommands: [] })).to.equal(
      '{ cp -- /tmp/.airlock-upload-t1 /etc/.x.airlock-t1 && mv -f -- /etc/.x.airlock-t1 /etc/x; } || { rc=$?; rm -f -- /etc/.x.airlock-t1; exit $rc; }',
    );
  });

  it('wait_for: one bounded loop on the host, values as positional parameters', () => {
    const spec: WaitSpec = { host: '10.0.0.5', port: 8443, state: 'started', timeout: 30, delay: 2, sleep: 1, connectTimeout: 5 };
    expect(waitForCommand(spec)).to.equal(
      "sleep 2; end=$(( $(date +%s) + 30 )); while :; do if timeout 5 bash -c 'exec 3<>\"/dev/tcp/$1/$2\"' _ 10.0.0.5 8443 2>/dev/null; then exit 0; fi; " +
        'if [ "$(date +%s)" -ge "$end" ]; then exit 3; fi; sleep 1; done',
    );
    expect(waitForCommand({ ...spec, port: undefined, path: '/run/app.pid', state: 'absent', delay: 0 })).to.equal(
      'end=$(( $(date +%s) + 30 )); while :; do if [ ! -e /run/app.pid ]; then exit 0; fi; if [ "$(date +%s)" -ge "$end" ]; then exit 3; fi; sleep 1; done',
    );
  });

  it('probe: one command per path; parsing gives Ansible-style modes and checksums', () => {
    expect(probeCommand(['/a b'], { checksum: 'sha1' })).to.equal(
      "printf 'P\\t0\\n'; if [ -e '/a b' ] || [ -L '/a b' ]; then stat --printf 'S\\t%F\\t%a\\t%u\\t%g\\t%U\\t%G\\t%s\\t%Y\\t%X\\t%Z\\t%i\\t%h\\n' -- '/a b'; " +
        "if [ -L '/a b' ]; then printf 'L\\t%s\\n' \"$(readlink -- '/a b')\"; fi; if [ -f '/a b' ] && [ -r '/a b' ]; then printf 'C\\t%s\\n' \"$(sha1sum < '/a b')\"; fi; else printf 'S\\tabsent\\n'; fi",
    );
    const [file, missing] = parseProbe(['/f', '/m'], probeOutput([{ mode: '600', checksum: 'abc' }, { absent: true }]));
    expect(file).to.include({ type: 'file', mode: '0600', owner: 'root', checksum: 'abc', size: 4 });
    expect(missing?.type).to.equal('absent');
  });
});
