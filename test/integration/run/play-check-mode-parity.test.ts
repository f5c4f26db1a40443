// Play-level `check_mode:` against ansible-playbook on the local connection: the play's tasks change nothing, a block
// or task with `check_mode: false` still does, and the next play is back to normal. Same output, same files made.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

const playbook = (out: string): string => `
- hosts: all
  gather_facts: false
  check_mode: true
  tasks:
    - name: play check_mode keeps the file away
      copy: {dest: ${out}/made-by-play, content: "x\\n"}
    - name: a task may run for real
      copy: {dest: ${out}/made-by-task, content: "x\\n"}
      check_mode: false
    - stat: {path: ${out}/made-by-play}
      register: p
    - debug: {msg: "{{ p.stat.exists }} {{ ansible_check_mode }}"}
    - block:
        - copy: {dest: ${out}/made-by-block, content: "x\\n"}
      check_mode: false
- hosts: all
  gather_facts: false
  tasks:
    - name: the next play is not in check mode
      copy: {dest: ${out}/made-by-play2, content: "x\\n"}
`;

describe('play-level check_mode does what ansible-playbook does', function () {
  this.timeout(120_000);
  let work: string;
  let made: string[][];

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'airlock-play-check-parity-'));
    writeFileSync(join(work, 'inventory.yml'), INVENTORY);
    writeFileSync(join(work, 'site.yml'), playbook(join(work, 'out')));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('prints the same play output and makes the same files', async () => {
    // each tool starts from an empty out/: copy's "changed" depends on it
    const clean = (): void => {
      rmSync(join(work, 'out'), { recursive: true, force: true });
      mkdirSync(join(work, 'out'));
    };
    const listing = (): string[] => (existsSync(join(work, 'out')) ? readdirSync(join(work, 'out')).sort() : []);
    clean();
    made = [];
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml', [], { betweenRuns: () => { made.push(listing()); clean(); } });
    made.push(listing());
    expect(airlock).to.equal(ansible);
    expect(made).to.deep.equal([['made-by-block', 'made-by-play2', 'made-by-task'], ['made-by-block', 'made-by-play2', 'made-by-task']]);
  });
});
