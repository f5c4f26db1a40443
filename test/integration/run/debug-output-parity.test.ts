// Ansible is the oracle for what operators read every day: the same playbook of `debug` tasks (msg, var, structured
// values, loops, verbosity, consecutive unnamed tasks) run by ansible-playbook and by airlock on the local connection
// must print the same play output, line for line, at the default verbosity and at -v.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'airlock.js');

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars:
    x: 42
    words: [one, "two words"]
    nested: {b: [1, 2], a: {z: true, y: null}}
    greeting: "hello {{ x }}"
  tasks:
    - debug: {msg: "hello"}
    - debug: {msg: "also unnamed, so a header of its own"}
    - debug: {var: x}
    - debug: {var: nested}
    - debug: {var: greeting}
    - debug: {msg: "{{ words }}"}
    - debug: {var: not_defined_anywhere}
    - debug:
    - name: a loop
      debug: {msg: "item {{ item }}"}
      loop: [a, b]
    - name: only at -v
      debug: {msg: "verbose", verbosity: 1}
    - name: only at -v, a variable
      debug: {var: words, verbosity: 1}
    - debug: {msg: "{{ nested.a }}"}
`;

/** The play's output: from the first PLAY line to the recap (which has its own tests), without colours. */
function playOutput(stdout: string): string {
  const start = stdout.indexOf('PLAY [');
  const end = stdout.indexOf('PLAY RECAP');
  if (start < 0 || end < 0) throw new Error(`no play output in:\n${stdout}`);
  return stdout.slice(start, end).trimEnd();
}

describe('debug output is what ansible-playbook prints (golden output from Ansible itself)', function () {
  this.timeout(120_000);
  let work: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'airlock-debug-parity-'));
    writeFileSync(join(work, 'inventory.yml'), INVENTORY);
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  async function both(verbose: string[]): Promise<{ ansible: string; airlock: string }> {
    const env = { ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_CONFIG: join(work, 'none.cfg'), CI: 'true' };
    const ansible = await execa('ansible-playbook', ['-i', 'inventory.yml', 'site.yml', ...verbose], { cwd: work, env, reject: false });
    expect(ansible.exitCode, ansible.stdout + ansible.stderr).to.equal(0);
    const airlock = await execa('node', [BIN, 'run', 'site.yml', '-i', 'inventory.yml', '--output', 'plain', ...verbose], { cwd: work, env, reject: false });
    expect(airlock.exitCode, airlock.stdout + airlock.stderr).to.equal(0);
    return { ansible: playOutput(ansible.stdout), airlock: playOutput(airlock.stdout) };
  }

  it('at the default verbosity', async () => {
    const { ansible, airlock } = await both([]);
    expect(airlock).to.equal(ansible);
  });

  it('at -v (debug with verbosity: 1 shows; the skipped line aside, which Ansible dumps at -v)', async () => {
    const { ansible, airlock } = await both(['-v']);
    const withoutSkipDetail = (text: string): string => text.replace(/^(skipping: \[[^\]]+\]) => \{.*\}$/gm, '$1');
    expect(withoutSkipDetail(airlock)).to.equal(withoutSkipDetail(ansible));
    expect(airlock).to.include('"msg": "verbose"');
  });
});
