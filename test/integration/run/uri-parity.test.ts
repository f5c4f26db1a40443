// uri against ansible-playbook: a health check, an expected non-200 status, a JSON POST and a failing status (its
// message), all to an HTTP server on loopback started by the test, from a host on the local connection.
import { expect } from 'chai';
import { execa, type ResultPromise } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithAnsibleAndAirlock } from '../../support/ansible-oracle.js';

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

const playbook = (base: string): string => `
- hosts: all
  gather_facts: false
  tasks:
    - name: health check
      uri: {url: "${base}/health.json", return_content: true}
      register: r
    - debug: {msg: "{{ r.status }} {{ r.json.ok }} {{ r.json.n }} {{ r.content_type }} {{ r.msg }} {{ r.url }} {{ r.content | trim }}"}
    - name: a 404 that is expected
      uri: {url: "${base}/missing", status_code: [404, 200]}
      register: m
    - debug: {msg: "{{ m.status }} {{ m.msg }}"}
    - name: a JSON POST the server does not implement
      uri: {url: "${base}/health.json", method: POST, body: {a: 1}, body_format: json, status_code: "501"}
    - name: not the status wanted
      uri: {url: "${base}/missing"}
      register: bad
      ignore_errors: true
    - debug: {msg: "{{ bad.status }} {{ bad.msg }} {{ bad.failed }}"}
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('uri does what ansible-playbook does', function () {
  this.timeout(120_000);
  let work: string;
  let server: ResultPromise | undefined;
  let base: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'airlock-uri-parity-'));
    mkdirSync(join(work, 'www'));
    writeFileSync(join(work, 'www', 'health.json'), '{"ok": true, "n": 3}\n');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = execa('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1'], { cwd: join(work, 'www'), reject: false });
    for (let i = 0; i < 50; i++) {
      const probe = await execa('curl', ['-s', '-o', '/dev/null', `${base}/`], { reject: false });
      if (probe.exitCode === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    writeFileSync(join(work, 'inventory.yml'), INVENTORY);
    writeFileSync(join(work, 'site.yml'), playbook(base));
  });
  after(async () => {
    server?.kill();
    await server;
    rmSync(work, { recursive: true, force: true });
  });

  it('prints the same play output, apart from how each prints an ignored failure', async () => {
    const { ansible, airlock } = await runWithAnsibleAndAirlock(work, 'inventory.yml', 'site.yml');
    // the ignored failure's own line is each tool's reporter (Ansible dumps the whole result): compared through its debug
    const withoutFailureLine = (text: string): string => text.split('\n').filter((line) => !/^(fatal|failed): \[localhost\]/.test(line)).join('\n');
    expect(withoutFailureLine(airlock)).to.equal(withoutFailureLine(ansible));
    expect(airlock).to.include('"msg": "200 True 3 application/json OK (21 bytes)').and.include('"msg": "404 Status code was 404 and not [200]: HTTP Error 404: File not found True"');
  });
});
