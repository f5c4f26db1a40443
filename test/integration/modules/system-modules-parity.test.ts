// Ansible is the oracle for the host-administration modules (user, group, and the others as they come): the same
// playbook run by ansible-playbook and by airlock over SSH against one lab host (a real sshd in its own network,
// mount and UTS namespaces, with its own /etc and /var/spool so that nothing reaches the machine's accounts). Each
// tool starts from the same clean host and runs: --check, a first run, a second run, a teardown, the teardown again.
// Per phase both must give the same status for every task and the same exit code, and after the first run and the
// teardown the host's accounts and files must be the same.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { taskStatuses } from '../../support/ansible-oracle.js';
import { ensureLab, type LabInfo } from '../../support/lab.js';
import { sh } from '../../../src/util/shell.js';

const BIN = fileURLToPath(new URL('../../../../bin/airlock.js', import.meta.url));
const HASH = '$6$smsalt$BR5t7ZSnhxpuPqRO2RiFu9kwc9dfDFQgvI6WFOsBdx0xcXGmGVa./8ZEOjU5OJJodejaAFMRfCFV6jRzwaKM91';
const USERS = ['sm_alice', 'sm_bob', 'sm_carol'];
const GROUPS = ['sm_web', 'sm_sys'];
const DIR = '/srv/sysmods';
const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIL5RPsoCc3rjlrrxKA6puTnxsi295z5eZE48cqHJcA7R';
const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIOTYej2AecXzdnHb9yLod7HjHKL5f8cGO4dQ9T4w4EPZ';
const K3 = 'AAAAC3NzaC1lZDI1NTE5AAAAICFt1jjnfxJf8F/3NpGqGGLu8GZUHSXo2u1M4yQ82KQr';

const SITE = `
- hosts: all
  gather_facts: false
  tasks:
    - name: group with a gid
      group: {name: sm_web, gid: 2300}
    - name: system group
      group: {name: sm_sys, system: true}
    - name: user with uid, groups, comment, shell, password
      user: {name: sm_alice, uid: 2301, group: sm_web, groups: [sm_sys], comment: "Alice S", shell: /bin/bash, password: "${HASH}"}
    - name: user without a home
      user: {name: sm_bob, create_home: false, shell: /usr/sbin/nologin}
    - name: append a group
      user: {name: sm_bob, groups: sm_web, append: true}
    - name: a group that does not exist fails
      user: {name: sm_carol, groups: [sm_nope]}
      ignore_errors: true
    - name: change a gid
      group: {name: sm_sys, gid: 2310}
    - name: lock the password
      user: {name: sm_alice, password_lock: true}
    - name: a directory for files
      file: {path: ${DIR}, state: directory, mode: "0755"}
    - name: authorize a key
      authorized_key: {user: sm_alice, key: "ssh-ed25519 ${K1} k1@lab"}
    - name: authorize two keys with options, by FQCN
      ansible.posix.authorized_key:
        user: sm_alice
        key: "ssh-ed25519 ${K2}\\nssh-ed25519 ${K3} k3@lab"
        key_options: 'no-pty,from="10.0.0.*"'
    - name: a key file at a path, without managing the directory
      authorized_key: {user: sm_bob, key: "ssh-ed25519 ${K3} k3@lab", path: ${DIR}/bob_keys, manage_dir: false}
    - name: a known host
      known_hosts: {name: git.example, key: "git.example ssh-ed25519 ${K1}", path: ${DIR}/known_hosts}
    - name: another known host, by alias
      known_hosts: {host: mirror.example, key: "mirror.example ssh-ed25519 ${K2}", path: ${DIR}/known_hosts}
    - name: a key for another host is refused
      known_hosts: {name: other.example, key: "git.example ssh-ed25519 ${K1}", path: ${DIR}/known_hosts}
      ignore_errors: true
    - name: a kernel parameter, set and reloaded
      sysctl: {name: net.ipv4.ip_forward, value: "1", sysctl_set: true, sysctl_file: ${DIR}/sysctl.conf}
    - name: a multi-word value, by FQCN, file only
      ansible.posix.sysctl: {name: net.ipv4.ping_group_range, value: "0 2147483647", reload: false, sysctl_file: ${DIR}/sysctl.conf}
    - name: the host's name
      hostname: {name: sm-host.lab.example}
      register: named
    - name: its facts
      debug: {msg: "{{ named.ansible_facts.ansible_hostname }} {{ ansible_nodename }}"}
`;

const TEARDOWN = `
- hosts: all
  gather_facts: false
  tasks:
    - name: remove one key (the user is gone on the second teardown)
      authorized_key: {user: sm_alice, key: "ssh-ed25519 ${K2}", state: absent}
      ignore_errors: true
    - name: replace a known host's key
      known_hosts: {name: git.example, key: "git.example ssh-ed25519 ${K3}", path: ${DIR}/known_hosts}
    - name: drop a kernel parameter from the file
      sysctl: {name: net.ipv4.ping_group_range, state: absent, sysctl_file: ${DIR}/sysctl.conf}
    - name: forget a known host
      known_hosts: {name: mirror.example, path: ${DIR}/known_hosts, state: absent}
    - name: remove a user, keeping its home
      user: {name: sm_alice, state: absent}
    - user: {name: sm_bob, state: absent}
    - group: {name: sm_web, state: absent}
    - group: {name: sm_sys, state: absent}
`;

type Tool = 'ansible' | 'airlock';

interface Phase {
  exitCode: number;
  statuses: string[];
  /** everything the tool printed, for the failure message */
  output: string;
}

describe('host-administration modules do what ansible-playbook does (differential, SSH lab host)', function () {
  this.timeout(600_000);
  let lab: LabInfo;
  let work: string;
  let host: string;
  /** the lab host's /etc/hostname before the test, put back by every reset */
  let originalHostname: string;

  /** A shell command on the lab host through OpenSSH and the lab's ssh_config. */
  async function onHost(command: string): Promise<string> {
    const result = await execa('ssh', ['-F', lab.sshConfigPath, host, command], { reject: false });
    if (result.exitCode !== 0) throw new Error(`on ${host}: ${command} -> ${result.exitCode}: ${result.stderr}`);
    return result.stdout;
  }

  /** What a user would look at: the accounts, their homes, and every file under DIR. */
  async function snapshot(): Promise<string> {
    return onHost([
      `for u in ${USERS.join(' ')}; do getent passwd "$u"; getent shadow "$u" | cut -d: -f1,2; id -Gn "$u" 2>/dev/null; done`,
      `for g in ${GROUPS.join(' ')}; do getent group "$g"; done`,
      'sysctl net.ipv4.ip_forward',
      'cat /etc/hostname',
      `for u in ${USERS.join(' ')}; do [ -d "/home/$u" ] && stat -c '%n %a %U %G' "/home/$u"; done`,
      'if [ -d /home/sm_alice/.ssh ]; then find /home/sm_alice/.ssh -printf \'%p %m %u %g\\n\' | sort; head -v -n 1000 /home/sm_alice/.ssh/authorized_keys; fi',
      `if [ -d ${DIR} ]; then find ${DIR} -printf '%p %m %u %g\\n' | sort; find ${DIR} -type f | sort | xargs -r head -v -n 1000; fi`,
      'true',
    ].join('; '));
  }

  async function reset(): Promise<void> {
    await onHost([sh`printf '%s\\n' ${originalHostname} > /etc/hostname`, ...USERS.map((u) => `userdel -r ${u} 2>/dev/null`), ...GROUPS.map((g) => `groupdel ${g} 2>/dev/null`), 'sysctl -q -w net.ipv4.ip_forward=0', `rm -rf ${DIR}`, ...USERS.map((u) => `rm -rf /home/${u}`), 'true'].join('; '));
  }

  async function run(tool: Tool, playbook: string, extra: string[] = []): Promise<Phase> {
    const env = { ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_CONFIG: join(work, 'none.cfg'), ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, 'cp'), CI: 'true' };
    const result = tool === 'ansible'
      ? await execa('ansible-playbook', ['-i', 'inventory.yml', playbook, ...extra], { cwd: work, env, reject: false })
      : await execa('node', [BIN, 'run', playbook, '-i', 'inventory.yml', '--output', 'plain', ...extra], { cwd: work, env, reject: false });
    return { exitCode: result.exitCode ?? -1, statuses: taskStatuses(result.stdout), output: `${result.stdout}\n${result.stderr}` };
  }

  interface ToolRun {
    phases: Record<string, Phase>;
    afterFirst: string;
    afterTeardown: string;
  }

  async function everything(tool: Tool): Promise<ToolRun> {
    await reset();
    const phases: Record<string, Phase> = {};
    phases.check = await run(tool, 'site.yml', ['--check']);
    phases.first = await run(tool, 'site.yml');
    const afterFirst = await snapshot();
    phases.second = await run(tool, 'site.yml');
    phases.checkAgain = await run(tool, 'site.yml', ['--check']);
    phases.teardown = await run(tool, 'teardown.yml');
    phases.teardownAgain = await run(tool, 'teardown.yml');
    const afterTeardown = await snapshot();
    return { phases, afterFirst, afterTeardown };
  }

  let ansible: ToolRun;
  let airlock: ToolRun;

  before(async () => {
    lab = await ensureLab({ name: 'sysmods', hosts: 1, systemFiles: true });
    const first = lab.hosts[0];
    if (!first) throw new Error('lab sysmods has no host');
    host = first.name;
    // never administer the machine itself: the host must have its own /etc
    const mounts = await onHost("awk '$5 == \"/etc\"' /proc/self/mountinfo");
    expect(mounts, `${host} must overlay /etc`).to.match(/ - overlay /);
    originalHostname = (await onHost('cat /etc/hostname')).trim();
    work = mkdtempSync(join(tmpdir(), 'airlock-sysmods-parity-'));
    writeFileSync(join(work, 'inventory.yml'), [
      'all:',
      '  hosts:',
      `    ${host}: {ansible_host: ${first.ip}}`,
      '  vars:',
      '    ansible_user: root',
      `    ansible_ssh_private_key_file: ${lab.privateKeyPath}`,
      `    ansible_ssh_common_args: -F ${lab.sshConfigPath}`,
      '    ansible_python_interpreter: /usr/bin/python3',
      `    airlock_known_hosts: ${lab.knownHostsPath}`,
      '',
    ].join('\n'));
    writeFileSync(join(work, 'site.yml'), SITE);
    writeFileSync(join(work, 'teardown.yml'), TEARDOWN);
    ansible = await everything('ansible');
    airlock = await everything('airlock');
  });
  after(async () => {
    if (host !== undefined) await reset().catch(() => undefined);
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  for (const phase of ['check', 'first', 'second', 'checkAgain', 'teardown', 'teardownAgain']) {
    it(`${phase}: the same status for every task, the same exit code`, () => {
      expect(airlock.phases[phase]?.statuses, `per-task statuses; airlock printed:\n${airlock.phases[phase]?.output ?? ''}`).to.deep.equal(ansible.phases[phase]?.statuses);
      expect(airlock.phases[phase]?.exitCode, 'exit code').to.equal(ansible.phases[phase]?.exitCode);
      expect(ansible.phases[phase]?.statuses.length).to.be.greaterThan(0);
    });
  }

  it('the first run leaves the same accounts and files; a second run changes nothing', () => {
    expect(airlock.afterFirst).to.equal(ansible.afterFirst);
    expect(ansible.afterFirst).to.include('sm_alice:x:2301:2300:Alice S:/home/sm_alice:/bin/bash').and.include(`sm_alice:!${HASH}`)
      .and.include('/home/sm_alice/.ssh/authorized_keys 600 sm_alice sm_web').and.include(`no-pty,from="10.0.0.*" ssh-ed25519 ${K2} \nno-pty,from="10.0.0.*" ssh-ed25519 ${K3} k3@lab\n`);
    expect(ansible.phases.second?.statuses.filter((line) => line.startsWith('changed:'))).to.deep.equal([]);
  });

  it('the teardown leaves the same host (no accounts left)', () => {
    expect(airlock.afterTeardown).to.equal(ansible.afterTeardown);
    // chai's `not` would carry over `.and`: the absence is its own assertion
    expect(ansible.afterTeardown).to.not.include('sm_alice:x:');
    expect(ansible.afterTeardown).to.include(`git.example ssh-ed25519 ${K3}`)
      // the one key removed, the others kept in their order
      .and.include(`==> /home/sm_alice/.ssh/authorized_keys <==\nssh-ed25519 ${K1} k1@lab\nno-pty,from="10.0.0.*" ssh-ed25519 ${K3} k3@lab\n`)
      .and.include('net.ipv4.ip_forward = 1').and.include('\nsm-host.lab.example\n').and.include('==> /srv/sysmods/sysctl.conf <==\nnet.ipv4.ip_forward=1');
  });
});
