// `airlock run` in-process against the controller itself (ansible_connection: local): the real loader, templater,
// modules, reporters and exit codes, without SSH. Input errors must stop everything before any host is touched.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCommand, type RunCliOptions } from '../../../src/cli/run.js';
import { InputError } from '../../../src/util/errors.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function options(overrides: Partial<RunCliOptions>): RunCliOptions {
  return {
    inventory: [], extraVars: [], tags: [], skipTags: [], check: false, diff: false, forks: 50, verbose: 0, syntaxCheck: false,
    listHosts: false, listTasks: false, listTags: false, output: 'plain', acceptNewHostKeys: false, knownHosts: [],
    forceHandlers: false, confirmBatches: false, ...overrides,
  };
}

describe('airlock run (CLI, local connection)', function () {
  // real processes on a machine shared by many: local execs can take seconds under load
  this.timeout(20_000);
  let dir: string;
  let inventory: string;
  let previousCwd: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-cli-run-'));
    inventory = join(dir, 'inventory.yml');
    writeFileSync(inventory, 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
    previousCwd = process.cwd();
    process.chdir(dir); // the run journal goes under ./.airlock/runs
  });

  afterEach(() => {
    process.chdir(previousCwd);
    rmSync(dir, { recursive: true, force: true });
  });

  function playbook(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('runs a playbook on the controller and exits 0; the file it writes is there', async () => {
    const target = join(dir, 'out.txt');
    const path = playbook('ok.yml', `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: write\n      copy:\n        dest: ${target}\n        content: "{{ greeting }}"\n`);
    const out = new Capture();
    const code = await runCommand([path], options({ inventory: [inventory], extraVars: ['greeting="hi there"'] }), out);
    expect(code, out.text).to.equal(0);
    expect(readFileSync(target, 'utf8')).to.equal('hi there');
    expect(out.text).to.match(/localhost\s+: ok=1\s+changed=1/);
  });

  it('exits 2 when a task fails, and writes the JSON report', async () => {
    const path = playbook('fail.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: boom\n      command: /bin/false\n');
    const json = join(dir, 'report.json');
    const code = await runCommand([path], options({ inventory: [inventory], json }), new Capture());
    expect(code).to.equal(2);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { hosts: Record<string, { failed: number }> };
    expect(report.hosts['localhost']?.failed).to.equal(1);
  });

  it('--check leaves the controller untouched', async () => {
    const target = join(dir, 'never.txt');
    const path = playbook('check.yml', `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy:\n        dest: ${target}\n        content: x\n`);
    const code = await runCommand([path], options({ inventory: [inventory], check: true }), new Capture());
    expect(code).to.equal(0);
    expect(existsSync(target)).to.equal(false);
  });

  for (const [what, setup] of [
    ['an unknown module (with file:line:column)', (): Partial<RunCliOptions> => ({})],
    ['a --limit matching nothing', (): Partial<RunCliOptions> => ({ limit: 'nowhere' })],
    ['an invalid extra var name', (): Partial<RunCliOptions> => ({ extraVars: ['1bad=x'] })],
  ] as const) {
    it(`${what} is an InputError (exit 1) and nothing runs`, async () => {
      const marker = join(dir, 'ran');
      const body = what.startsWith('an unknown module')
        ? `- hosts: all\n  gather_facts: false\n  tasks:\n    - comand: touch ${marker}\n`
        : `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${marker}\n`;
      const path = playbook('bad.yml', body);
      let error: unknown;
      try {
        await runCommand([path], options({ inventory: [inventory], ...setup() }), new Capture());
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(InputError);
      if (what.startsWith('an unknown module')) expect((error as InputError).message).to.match(/bad\.yml:4:\d+.*comand/);
      expect(existsSync(marker)).to.equal(false);
    });
  }

  it('without -i and without inventories/lab.yml it says what to do', async () => {
    const path = playbook('p.yml', '- hosts: all\n  tasks: []\n');
    let error: unknown;
    try {
      await runCommand([path], options({}), new Capture());
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(InputError);
    expect((error as Error).message).to.match(/-i FILE.*lab up/);
  });

  it('--list-hosts and --list-tasks describe the plays without running them', async () => {
    const marker = join(dir, 'ran');
    const path = playbook('list.yml', `- name: first\n  hosts: all\n  tasks:\n    - name: touch it\n      command: touch ${marker}\n      tags: [t1]\n`);
    const out = new Capture();
    const code = await runCommand([path], options({ inventory: [inventory], listHosts: true, listTasks: true }), out);
    expect(code).to.equal(0);
    expect(out.text).to.match(/hosts \(1\):\n\s+localhost/);
    expect(out.text).to.match(/touch it\tTAGS: \[t1\]/);
    expect(existsSync(marker)).to.equal(false);
  });
});
