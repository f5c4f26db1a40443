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

const BIN = fileURLToPath(new URL('../../../../bin/airlock.js', import.meta.url));
const HASH = '$6$smsalt$BR5t7ZSnhxpuPqRO2RiFu9kwc9dfDFQgvI6WFOsBdx0xcXGmGVa./8ZEOjU5OJJodejaAFMRfCFV6jRzwaKM91';
const USERS = ['sm_alice', 'sm_bob', 'sm_carol'];
const GROUPS = ['sm_web', 'sm_sys'];
const DIR = '/srv/sysmods';

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
`;

const TEARDOWN = `
- hosts: all
  gather_facts: false
  tasks:
    - user: {name: sm_alice, state: absent, remove: true}
    - user: {name: sm_bob, state: absent}
    - group: {name: sm_web, state: absent}
    - group: {name: sm_sys, state: absent}
`;

type Tool = 'ansible' | 'airlock';

interface Phase {
  exitCode: number;
  statuses: string[];
}

describe('host-administration modules do what ansible-playbook does (differential, SSH lab host)', function () {
  this.timeout(600_000);
  let lab: LabInfo;
  let work: string;
  let host: string;

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
      `for u in ${USERS.join(' ')}; do [ -d "/home/$u" ] && stat -c '%n %a %U %G' "/home/$u"; done`,
      `if [ -d ${DIR} ]; then find ${DIR} -printf '%p %m %u %g\\n' | sort; find ${DIR} -type f | sort | xargs -r head -v -n 1000; fi`,
      'true',
    ].join('; '));
  }

  async function reset(): Promise<void> {
    await onHost([...USERS.map((u) => `userdel -r ${u} 2>/dev/null`), ...GROUPS.map((g) => `groupdel ${g} 2>/dev/null`), `rm -rf ${DIR}`, 'true'].join('; '));
  }

  async function run(tool: Tool, playbook: string, extra: string[] = []): Promise<Phase> {
    const env = { ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_CONFIG: join(work, 'none.cfg'), ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, 'cp'), CI: 'true' };
    const result = tool === 'ansible'
      ? await execa('ansible-playbook', ['-i', 'inventory.yml', playbook, ...extra], { cwd: work, env, reject: false })
      : await execa('node', [BIN, 'run', playbook, '-i', 'inventory.yml', '--output', 'plain', ...extra], { cwd: work, env, reject: false });
    return { exitCode: result.exitCode ?? -1, statuses: taskStatuses(result.stdout) };
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
      expect(airlock.phases[phase]?.statuses, 'per-task statuses').to.deep.equal(ansible.phases[phase]?.statuses);
      expect(airlock.phases[phase]?.exitCode, 'exit code').to.equal(ansible.phases[phase]?.exitCode);
      expect(ansible.phases[phase]?.statuses.length).to.be.greaterThan(0);
    });
  }

  it('the first run leaves the same accounts and files; a second run changes nothing', () => {
    expect(airlock.afterFirst).to.equal(ansible.afterFirst);
    expect(ansible.afterFirst).to.include('sm_alice:x:2301:2300:Alice S:/home/sm_alice:/bin/bash').and.include(`sm_alice:!${HASH}`);
    expect(ansible.phases.second?.statuses.filter((line) => line.startsWith('changed:'))).to.deep.equal([]);
  });

  it('the teardown leaves the same host (no accounts left)', () => {
    expect(airlock.afterTeardown).to.equal(ansible.afterTeardown);
    expect(ansible.afterTeardown).to.not.include('sm_alice');
  });
});
