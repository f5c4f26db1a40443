// `npm start` (airlock demo) on the e2e lab from scratch: it installs real MISP on the 3 hosts and ends with each
// host's URL and where its login is; logging in with those credentials works through the web form and the API.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLab, type LabInfo } from '../support/lab.js';
import { apiJson, onHost, webLogin } from './misp-client.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('npm start (airlock demo) on real MISP', function () {
  this.timeout(3_600_000);
  let lab: LabInfo;
  let work: string;

  before(async () => {
    lab = await ensureLab({ name: 'e2e', hosts: 3, lxd: true });
    work = mkdtempSync(join(tmpdir(), 'airlock-demo-'));
    for (const host of lab.hosts.map((h) => h.name)) {
      await onHost(lab, host, 'for c in $(lxc list --project misp --format csv -c n 2>/dev/null); do lxc delete --force --project misp "$c"; done; rm -rf /var/lib/airlock');
    }
  });

  after(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('installs MISP on every lab host and ends with URLs whose printed login works', async () => {
    const started = performance.now();
    const run = await execa('node', [join(ROOT, 'bin', 'airlock.js'), 'demo', '--name', 'e2e'], {
      cwd: work, reject: false, env: { CI: 'true', AIRLOCK_CREDENTIALS_DIR: join(work, 'credentials') },
    });
    process.stdout.write(`      demo took ${Math.round((performance.now() - started) / 1000)} s\n`);
    expect(run.exitCode, run.stdout.slice(-3000)).to.equal(0);
    const lines = run.stdout.trim().split('\n');
    const urls = lines.slice(-lab.hosts.length);
    for (const host of lab.hosts.map((h) => h.name)) {
      const line = urls.find((l) => l.includes(`${host}: MISP https://`)) ?? '';
      const match = /MISP (https:\/\/[0-9.]+) {2}login (\S+), password: "admin_password" in (\S+) /.exec(line);
      expect(match, `the demo's last lines name ${host}'s URL and login:\n${urls.join('\n')}`).not.to.equal(null);
      const [, url = '', email = '', file = ''] = match ?? [];
      const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      for (const value of Object.values(secrets).filter((v) => /^[A-Za-z0-9]{32,}$/.test(v))) expect(run.stdout).not.to.contain(value);
      const login = await webLogin(lab, host, url, email, secrets['admin_password'] ?? '');
      expect(login.redirect).to.equal(`${url}/users/routeafterlogin`);
      expect(login.sessionEmail).to.equal(email);
      expect((await apiJson<{ version: string }>(lab, host, url, secrets['admin_api_key'] ?? '', 'GET', '/servers/getVersion')).version).to.equal('2.5.1');
    }
  });
});
