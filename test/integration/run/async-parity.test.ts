// async/poll and async_status against ansible-playbook on the local connection: a polled job (ASYNC OK, its
// command's result), a fire-and-forget job (its id and results file at once), async_status with until/retries until
// it finishes, cleanup, and the job's files gone. ASYNC POLL and FAILED - RETRYING lines depend on how fast each
// tool polls, so they are left out of the comparison; everything else must be the same.
import { expect } from 'chai';
import { parityWorkspace, runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: polled
      command: sleep 1
      async: 30
      poll: 1
      register: polled
    - debug: {msg: "{{ polled.finished }} {{ polled.rc }} {{ polled.cmd }} {{ polled.changed }} {{ polled.results_file is match('.*/[.]ansible_async/j[0-9]+[.][0-9]+$') }}"}
    - name: fire and forget
      shell: sleep 2; echo done; echo note >&2
      async: 30
      poll: 0
      register: job
    - debug: {msg: "{{ job.finished }} {{ job.started }} {{ job.changed }} {{ job.ansible_job_id is match('j[0-9]+[.][0-9]+$') }}"}
    - name: wait for it
      async_status: {jid: "{{ job.ansible_job_id }}"}
      register: st
      until: st.finished
      retries: 30
      delay: 1
    - debug: {msg: "{{ st.finished }} {{ st.rc }} {{ st.stdout }} {{ st.stderr }} {{ st.cmd }} {{ st.changed }} {{ st.attempts > 0 }}"}
    - async_status: {jid: "{{ job.ansible_job_id }}", mode: cleanup}
      register: cl
    - debug: {msg: "{{ cl.erased == job.results_file }} {{ cl.started }} {{ cl.finished }} {{ cl.changed }}"}
    - stat: {path: "{{ job.results_file }}"}
      register: gone
    - debug: {msg: "{{ gone.stat.exists }}"}
`;

function withoutTimingLines(output: string): string {
  return output.split('\n').filter((line) => !/^(ASYNC POLL on |FAILED - RETRYING: )/.test(line)).join('\n').replace(/jid=j\d+\.\d+/g, 'jid=J');
}

describe('async/poll and async_status do what ansible-playbook does', function () {
  this.timeout(180_000);
  let work: string;
  let remove: () => void;

  before(() => {
    ({ dir: work, remove } = parityWorkspace('airlock-async-parity-', { 'inventory.yml': INVENTORY, 'site.yml': PLAYBOOK }));
  });
  after(() => remove());

  it('prints the same play output', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml');
    expect(withoutTimingLines(airlock)).to.equal(withoutTimingLines(ansible));
    expect(airlock).to.match(/ASYNC OK on localhost: jid=j\d+\.\d+/).and.include('"msg": "1 0 done note sleep 2; echo done; echo note >&2 True True"');
  });
});
