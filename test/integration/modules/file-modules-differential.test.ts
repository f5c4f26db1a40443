// Ansible is the oracle: one playbook of ping, replace, blockinfile, slurp, find and tempfile tasks
// (test/fixtures/modules/file-modules.yml) run by ansible-playbook and by airlock, each in its own scratch directory,
// on the local connection (these modules are controller-safe: they touch only that directory). In four phases -
// --check on nothing, a first run, a second run, --check after the file was edited back - both must give the same
// status for every task (and item), the same exit code, and leave the same files (names, modes, content). The second
// run must be all ok but for tempfile (always changed, in Ansible too), and --check must change no file.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, lstatSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { taskStatuses } from '../../support/ansible-oracle.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'airlock.js');
const PLAYBOOK = join(ROOT, 'test', 'fixtures', 'modules', 'file-modules.yml');
const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

type Tool = 'ansible' | 'airlock';

interface PhaseResult {
  exitCode: number;
  /** "TASK [name]" followed by one "status" line per host result and item, in order */
  statuses: string[];
}

/** Every entry below `dir`: relative path, type, mode and content; tempfile's random names made comparable. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const stat = lstatSync(full);
      const rel = relative(dir, full).replace(/ansible\.[^/]{8}\.tmp$/, 'ansible.<random>.tmp');
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isDirectory()) {
        out.push(`${rel}/ ${mode}`);
        walk(full);
      } else {
        out.push(`${rel} ${mode} ${JSON.stringify(readFileSync(full, 'utf8'))}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

const changedTasks = (statuses: string[]): string[] => {
  const tasks: string[] = [];
  let task = '';
  for (const line of statuses) {
    if (line.startsWith('TASK [')) task = line;
    else if (line.startsWith('changed:') && !tasks.includes(task)) tasks.push(task);
  }
  return tasks;
};

describe('file modules do what ansible-playbook does (differential, local connection)', function () {
  this.timeout(420_000);
  let work: string;
  const scratch = (tool: Tool): string => join(work, tool);

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'airlock-file-modules-diff-'));
    writeFileSync(join(work, 'inventory.yml'), INVENTORY);
    mkdirSync(scratch('ansible'));
    mkdirSync(scratch('airlock'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  async function run(tool: Tool, extra: string[]): Promise<PhaseResult> {
    const env = { ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_CONFIG: join(work, 'none.cfg'), CI: 'true' };
    const vars = ['-e', `work_dir=${scratch(tool)}`];
    const result = tool === 'ansible'
      ? await execa('ansible-playbook', ['-i', 'inventory.yml', PLAYBOOK, ...vars, ...extra], { cwd: work, env, reject: false })
      : await execa('node', [BIN, 'run', PLAYBOOK, '-i', 'inventory.yml', '--output', 'plain', ...vars, ...extra], { cwd: work, env, reject: false });
    return { exitCode: result.exitCode ?? -1, statuses: taskStatuses(result.stdout) };
  }

  async function both(extra: string[]): Promise<{ ansible: PhaseResult; airlock: PhaseResult }> {
    const ansible = await run('ansible', extra);
    const airlock = await run('airlock', extra);
    expect(airlock.statuses, 'per-task statuses').to.deep.equal(ansible.statuses);
    expect(airlock.exitCode, 'exit code').to.equal(ansible.exitCode);
    return { ansible, airlock };
  }

  it('--check on an empty directory: same statuses (replace fails on the file --check did not create), no file made', async () => {
    const { ansible } = await both(['--check']);
    expect(ansible.exitCode).to.equal(2);
    expect(snapshot(scratch('airlock'))).to.deep.equal([]);
  });

  it('first run: same statuses, same files', async () => {
    const { ansible } = await both([]);
    expect(ansible.exitCode).to.equal(0);
    expect(snapshot(scratch('airlock'))).to.deep.equal(snapshot(scratch('ansible')));
    expect(readFileSync(join(scratch('airlock'), 'app.conf'), 'utf8')).to.include('host = new.example').and.include('key = value1-x\nkey = value2-x\n[end]\nkey = value3\n');
  });

  it('second run: all ok but tempfile, same files', async () => {
    const { ansible } = await both([]);
    expect(changedTasks(ansible.statuses)).to.deep.equal(['TASK [tempfile]']);
    expect(snapshot(scratch('airlock'))).to.deep.equal(snapshot(scratch('ansible')));
  });

  it('--check after an edit: the replace reports changed, and no file changes', async () => {
    for (const tool of ['ansible', 'airlock'] as const) {
      const path = join(scratch(tool), 'app.conf');
      writeFileSync(path, readFileSync(path, 'utf8').replace('host = new.example', 'host = old.example'));
    }
    const before = snapshot(scratch('airlock'));
    const { ansible } = await both(['--check']);
    expect(changedTasks(ansible.statuses)).to.deep.equal(['TASK [replace host]']);
    expect(snapshot(scratch('airlock'))).to.deep.equal(before);
    expect(snapshot(scratch('airlock'))).to.deep.equal(snapshot(scratch('ansible')));
  });
});
