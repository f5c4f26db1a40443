// A compromised host must never run code on the workstation. A real lab host prints every template-escape payload we
// know; an ordinary playbook carries its output through register -> set_fact -> combine -> loop -> template and copy,
// and through fetch -> lookup('file') -> copy. Afterwards no marker file exists on the controller, the run succeeded,
// and the files on the host (read back with OpenSSH, not through airlock) hold the payloads as literal text.
import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quote } from '../../../src/util/shell.js';
import { ensureLab, type LabInfo } from '../../support/lab.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'airlock.js');
const LAB = 'modules';

const markerDir = mkdtempSync(join(tmpdir(), 'airlock-sandbox-markers-'));
const marker = (n: number): string => join(markerDir, `escaped-${n}`);
const code = (n: number): string => `return process.getBuiltinModule('child_process').execSync('touch ${marker(n)}').toString()`;

/** What the host prints, one payload a line: each would touch a marker on the controller if it ever ran. */
const PAYLOADS = [
  `{{ range.constructor("${code(1)}")() }}`,
  `{{ cycler.constructor("${code(2)}")() }}`,
  `{{ joiner.constructor("${code(3)}")() }}`,
  `{{ lookup.constructor("${code(4)}")() }}`,
  `{{ [].constructor.constructor("${code(5)}")() }}`,
  `{{ {}.constructor.constructor("${code(6)}")() }}`,
  `{{ (1).constructor.constructor("${code(7)}")() }}`,
  `{{ groups['constructor']['constructor']("${code(8)}")() }}`,
  `{{ ''['constructor']['constructor']("${code(9)}")() }}`,
  `{% for f in [range] %}{{ f.constructor("${code(10)}")() }}{% endfor %}`,
  `{{ (hostvars | dict2items | first).constructor.constructor("${code(11)}")() }}`,
  `{{ lookup('env', 'HOME') }} {{ 6 * 7 }} {# a comment #} {% raw %}raw{% endraw %}`,
];

const PLAYBOOK = `
- hosts: all
  gather_facts: true
  vars:
    dir: "{{ remote_dir }}"
  tasks:
    - name: the host prints the payloads
      command: cat {{ dir }}/payloads.txt
      register: printed
    - set_fact:
        first: "{{ printed.stdout_lines[0] }}"
        lines: "{{ printed.stdout_lines }}"
    - set_fact:
        merged: "{{ {'first': first, 'hostname': ansible_hostname} | combine({'lines': lines}) }}"
    - set_fact:
        collected: "{{ collected | default([]) + [line] }}"
      loop: "{{ merged.lines }}"
      loop_control: {loop_var: line}
    - name: the lines through a template
      template: {src: lines.j2, dest: "{{ dir }}/templated.txt"}
    - name: the lines through copy's content
      copy: {content: "{{ collected | join('\\n') }}\\n", dest: "{{ dir }}/copied.txt"}
    - name: the payloads fetched back to the workstation
      fetch: {src: "{{ dir }}/payloads.txt", dest: "{{ fetch_dir }}/", flat: true}
    - set_fact:
        fetched: "{{ lookup('file', fetch_dir ~ '/payloads.txt') }}"
    - name: what the workstation read from the fetched file
      copy: {content: "{{ fetched }}\\n", dest: "{{ dir }}/refetched.txt"}
    - debug: {msg: "{{ merged.first }}"}
`;

const TEMPLATE = '{% for line in collected %}{{ line }}\n{% endfor %}';

describe('host output never runs as code on the workstation (template sandbox, unsafe values)', function () {
  this.timeout(180_000);
  let lab: LabInfo;
  let work: string;
  let host: string;
  const remoteDir = `/srv/airlock-sandbox-${process.pid}`;

  async function onHost(command: string): Promise<string> {
    const result = await execa('ssh', ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', host, command], { reject: false });
    if (result.exitCode !== 0) throw new Error(`ssh ${host} ${command}: rc ${String(result.exitCode)}: ${result.stderr}`);
    return result.stdout;
  }

  before(async () => {
    lab = await ensureLab({ name: LAB, hosts: 2 });
    const first = lab.hosts[0];
    if (first === undefined) throw new Error(`lab ${LAB} has no hosts`);
    host = first.name;
    work = mkdtempSync(join(tmpdir(), 'airlock-sandbox-'));
    mkdirSync(join(work, 'templates'));
    mkdirSync(join(work, 'fetched'));
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    writeFileSync(join(work, 'templates', 'lines.j2'), TEMPLATE);
    await onHost(`mkdir -p ${quote(remoteDir)} && printf '%s\\n' ${PAYLOADS.map(quote).join(' ')} > ${quote(`${remoteDir}/payloads.txt`)}`);
  });

  after(async () => {
    if (lab !== undefined && host !== undefined) await onHost(`rm -rf ${quote(remoteDir)}`).catch(() => undefined);
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
    rmSync(markerDir, { recursive: true, force: true });
  });

  it('carries every payload as literal text and creates no marker on the controller', async () => {
    const run = await execa('node', [
      BIN, 'run', join(work, 'site.yml'), '-i', lab.inventoryPath, '-l', host, '--output', 'plain',
      '-e', JSON.stringify({ remote_dir: remoteDir, fetch_dir: join(work, 'fetched') }),
    ], { cwd: work, reject: false, env: { CI: 'true' } });
    expect(readdirSync(markerDir), 'a payload ran on the controller').to.deep.equal([]);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).to.equal(0);

    const expected = `${PAYLOADS.join('\n')}\n`;
    expect(`${await onHost(`cat ${quote(`${remoteDir}/templated.txt`)}`)}\n`).to.equal(expected);
    expect(`${await onHost(`cat ${quote(`${remoteDir}/copied.txt`)}`)}\n`).to.equal(expected);
    expect(`${await onHost(`cat ${quote(`${remoteDir}/refetched.txt`)}`)}\n`).to.equal(expected);
    // the debug line prints the first payload as it is
    expect(run.stdout).to.include(PAYLOADS[0]);
    expect(existsSync(marker(1))).to.equal(false);
  });
});
