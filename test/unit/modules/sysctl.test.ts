// sysctl: Ansible's decisions over `sysctl -e -n` and the file's text, and the exact commands sent.
import { expect } from 'chai';
import { parseSysctlSpec, readCommand, reloadCommand, setCommand, sysctlModule, sysctlPlan } from '../../../src/modules/sysctl.js';
import { probeCommand } from '../../../src/modules/lib/remote-state.js';
import { FakeConnection, fakeContext, probeOutput } from './fake-connection.js';

const spec = (args: Record<string, unknown>): ReturnType<typeof parseSysctlSpec> => parseSysctlSpec({ name: 'net.ipv4.ip_forward', ...args });

describe('modules: sysctl', () => {
  it('the commands, in the C locale', () => {
    expect(readCommand('net.ipv4.ip_forward')).to.equal('LANG=C LC_ALL=C LC_MESSAGES=C sysctl -e -n net.ipv4.ip_forward');
    expect(setCommand(spec({ value: 'yes', ignoreerrors: true }))).to.equal('LANG=C LC_ALL=C LC_MESSAGES=C sysctl -e -w net.ipv4.ip_forward=1');
    expect(setCommand(parseSysctlSpec({ name: 'net.ipv4.ip_local_port_range', value: '1024  65000' }))).to.equal("LANG=C LC_ALL=C LC_MESSAGES=C sysctl -w 'net.ipv4.ip_local_port_range=1024  65000'");
    expect(reloadCommand(spec({ value: 1, sysctl_file: '/etc/sysctl.d/99-x.conf' }))).to.equal('LANG=C LC_ALL=C LC_MESSAGES=C sysctl -p /etc/sysctl.d/99-x.conf');
  });
  it('a new key is appended; every line normalised, later duplicates dropped, comments kept', () => {
    expect(sysctlPlan(spec({ value: 1 }), '0\n', '# c\n  vm.swappiness = 10\nvm.swappiness=20\n')).to.deep.equal({
      changed: true, setProc: false, reload: true, write: '# c\nvm.swappiness=10\nnet.ipv4.ip_forward=1\n',
    });
  });
  it('the same value in the file and the kernel is unchanged; a kernel that differs is changed (reload) and set with sysctl_set', () => {
    expect(sysctlPlan(spec({ value: 1 }), '1\n', 'net.ipv4.ip_forward = 1\n')).to.deep.equal({ changed: false, setProc: false, reload: false });
    expect(sysctlPlan(spec({ value: 1 }), '0\n', 'net.ipv4.ip_forward=1\n')).to.deep.equal({ changed: true, setProc: false, reload: true });
    expect(sysctlPlan(spec({ value: 1, reload: false, sysctl_set: true }), '0\n', 'net.ipv4.ip_forward=1\n')).to.deep.equal({ changed: true, setProc: true, reload: false });
  });
  it('absent removes the line; absent when not in the file is unchanged', () => {
    expect(sysctlPlan(spec({ state: 'absent' }), '1\n', 'a=1\nnet.ipv4.ip_forward=1\n')).to.deep.equal({ changed: true, setProc: false, reload: true, write: 'a=1\n' });
    expect(sysctlPlan(spec({ state: 'absent' }), '1\n', 'a=1\n')).to.deep.equal({ changed: false, setProc: false, reload: false });
  });
  it('arguments: Ansible\'s messages', () => {
    expect(() => parseSysctlSpec({ name: ' ' })).to.throw('sysctl: name cannot be blank');
    expect(() => parseSysctlSpec({ name: 'a.b' })).to.throw('sysctl: value cannot be None');
  });
  it('run: read, probe, set, write, reload; check mode only reads', async () => {
    const file = '/etc/sysctl.d/99-x.conf';
    const args = { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: file, sysctl_set: true };
    const probe = probeCommand([file], { checksum: 'sha256', content: true, follow: true });
    const conn = new FakeConnection([
      { command: readCommand('net.ipv4.ip_forward'), result: { stdout: '0\n' } },
      { command: probe, result: { stdout: probeOutput([{ absent: true }]) } },
      { command: 'LANG=C LC_ALL=C LC_MESSAGES=C sysctl -w net.ipv4.ip_forward=1' },
      { command: /^\{ \(umask 077 && cat > \/etc\/sysctl\.d\/\.99-x\.conf\.airlock-\w+\) && chmod 0644 -- \S+ && mv -f -- \S+ \/etc\/sysctl\.d\/99-x\.conf; \}/ },
      { command: `LANG=C LC_ALL=C LC_MESSAGES=C sysctl -p ${file}` },
    ]);
    expect(await sysctlModule.run(args, fakeContext(conn))).to.deep.equal({ changed: true });
    expect(conn.execs[3]?.options?.stdin?.toString()).to.equal('net.ipv4.ip_forward=1\n');
    const check = new FakeConnection([
      { command: readCommand('net.ipv4.ip_forward'), result: { stdout: '0\n' } },
      { command: probe, result: { stdout: probeOutput([{ absent: true }]) } },
    ]);
    expect(await sysctlModule.run(args, fakeContext(check, { check: true }))).to.deep.equal({ changed: true });
    expect(check.done).to.equal(true);
  });
  it('run: a refused value fails with what sysctl said', async () => {
    const conn = new FakeConnection([
      { command: readCommand('net.ipv4.ip_forward'), result: { stdout: '0\n' } },
      { command: probeCommand(['/etc/sysctl.conf'], { checksum: 'sha256', content: true, follow: true }), result: { stdout: probeOutput([{}], 'net.ipv4.ip_forward=7\n') } },
      { command: 'LANG=C LC_ALL=C LC_MESSAGES=C sysctl -w net.ipv4.ip_forward=7', result: { stderr: 'sysctl: setting key "net.ipv4.ip_forward": Invalid argument\n' } },
    ]);
    expect((await sysctlModule.run({ name: 'net.ipv4.ip_forward', value: 7, sysctl_set: true }, fakeContext(conn))).msg).to.equal('setting net.ipv4.ip_forward failed: sysctl: setting key "net.ipv4.ip_forward": Invalid argument\n');
  });
});
