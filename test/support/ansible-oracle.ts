// Ansible as the oracle: run the same playbook with ansible-playbook and with airlock (the built CLI), in the same
// directory, and hand back each one's play output (from the first PLAY line to the recap, without colours).
// A missing ansible-playbook is a failure, never a skip: CI installs ansible-core.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/airlock.js', import.meta.url));

/** The play's output: from the first PLAY line up to the recap (which has its own tests). */
export function playOutput(stdout: string): string {
  const start = stdout.indexOf('PLAY [');
  const end = stdout.indexOf('PLAY RECAP');
  if (start < 0 || end < 0) throw new Error(`no play output in:\n${stdout}`);
  return stdout.slice(start, end).trimEnd();
}

export interface BothRuns {
  ansible: string;
  airlock: string;
}

/** `ansible-playbook -i INVENTORY PLAYBOOK ARGS` and `airlock run PLAYBOOK -i INVENTORY ARGS`, both expected to exit 0. */
export interface OracleOptions {
  /** called after ansible-playbook, before airlock: to look at and undo what the first run changed */
  betweenRuns?: () => void;
}

export async function runWithAnsibleAndAirlock(dir: string, inventory: string, playbook: string, args: string[] = [], options: OracleOptions = {}): Promise<BothRuns> {
  const env = { ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_CONFIG: join(dir, 'no-such.cfg'), CI: 'true' };
  const ansible = await execa('ansible-playbook', ['-i', inventory, playbook, ...args], { cwd: dir, env, reject: false });
  expect(ansible.exitCode, `ansible-playbook: ${ansible.stdout}${ansible.stderr}`).to.equal(0);
  options.betweenRuns?.();
  const airlock = await execa('node', [BIN, 'run', playbook, '-i', inventory, '--output', 'plain', ...args], { cwd: dir, env, reject: false });
  expect(airlock.exitCode, `airlock: ${airlock.stdout}${airlock.stderr}`).to.equal(0);
  return { ansible: playOutput(ansible.stdout), airlock: playOutput(airlock.stdout) };
}

/** A scratch directory for one parity test with `files` (relative path -> content) in it; `remove()` deletes it. */
export function parityWorkspace(prefix: string, files: Record<string, string>): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Task headers and result lines of the default (and airlock's plain) output; fatal is how Ansible says failed. */
export function taskStatuses(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => /^(TASK \[|ok: |changed: |failed: |fatal: |skipping: |\.\.\.ignoring)/.test(line))
    .map((line) => (line.startsWith('TASK [') ? line.replace(/\s*\*+$/, '') : line.replace(/^fatal:/, 'failed:').replace(/(: FAILED!)? =>.*$/, '')));
}
