// The new modules over SSH on a real lab host (the differential test runs them on the local connection): replace and
// blockinfile change once, then report ok, and --check leaves the file as it was (read back from the host); slurp,
// find and tempfile return Ansible's values; service and systemd fail clearly where PID 1 is not systemd.
import { expect } from 'chai';
import { replaceModule } from '../../../src/modules/replace.js';
import { blockinfileModule } from '../../../src/modules/blockinfile.js';
import { slurpModule } from '../../../src/modules/slurp.js';
import { findFilesModule } from '../../../src/modules/find.js';
import { tempfileModule } from '../../../src/modules/tempfile.js';
import { serviceModule } from '../../../src/modules/service.js';
import { systemdModule } from '../../../src/modules/systemd.js';
import { pingModule } from '../../../src/modules/ping.js';
import { moduleLab, type ModuleLab } from './module-lab.js';

describe('replace, blockinfile, slurp, find, tempfile, service on a real lab host', function () {
  this.timeout(120_000);
  let lab: ModuleLab;
  let d: string;
  before(async () => {
    lab = await moduleLab();
    d = lab.remoteDir;
    await lab.sh(`printf 'port = 80\\nhost = a\\n' > ${d}/app.conf && mkdir -p ${d}/logs/old && touch ${d}/logs/x.log ${d}/logs/old/y.log ${d}/logs/z.txt`);
  });
  after(async () => lab?.close());

  it('ping answers', async () => expect(await lab.run(pingModule, {})).to.deep.equal({ changed: false, data: { ping: 'pong' } }));

  it('replace and blockinfile: --check changes nothing, the run changes once, the rerun is ok', async () => {
    const steps = [
      [replaceModule, { path: `${d}/app.conf`, regexp: '^port = 80$', replace: 'port = 8080' }],
      [blockinfileModule, { path: `${d}/app.conf`, insertafter: '^port', block: 'listen = 1' }],
    ] as const;
    for (const [module, args] of steps) {
      const before = await lab.sh(`cat ${d}/app.conf`);
      expect((await lab.run(module, args, { check: true })).changed, `${module.name} --check`).to.equal(true);
      expect(await lab.sh(`cat ${d}/app.conf`)).to.equal(before);
      expect((await lab.run(module, args)).changed, `${module.name} first run`).to.equal(true);
      expect((await lab.run(module, args)).changed, `${module.name} second run`).to.equal(false);
    }
    expect(await lab.sh(`cat ${d}/app.conf`)).to.equal('port = 8080\n# BEGIN ANSIBLE MANAGED BLOCK\nlisten = 1\n# END ANSIBLE MANAGED BLOCK\nhost = a\n');
  });

  it('slurp, find and tempfile return what Ansible returns', async () => {
    const slurped = await lab.run(slurpModule, { src: `${d}/logs/z.txt` });
    expect(slurped.data).to.deep.equal({ content: '', source: `${d}/logs/z.txt`, encoding: 'base64' });
    const found = await lab.run(findFilesModule, { paths: `${d}/logs`, patterns: '*.log', recurse: true });
    expect(found.data?.['matched']).to.equal(2);
    expect((found.data?.['files'] as Array<{ path: string }>).map((file) => file.path).sort()).to.deep.equal([`${d}/logs/old/y.log`, `${d}/logs/x.log`]);
    const made = await lab.run(tempfileModule, { path: d, state: 'directory', prefix: 'build.' });
    const path = String(made.data?.['path']);
    expect(path).to.match(new RegExp(`^${d}/build\\.[A-Za-z0-9]{8}$`));
    expect(await lab.sh(`stat -c %a ${path}`)).to.equal('700\n');
  });

  it('service and systemd: "not available on this host" where PID 1 is not systemd', async () => {
    const pid1 = (await lab.sh('cat /proc/1/comm')).trim();
    // lab hosts never boot systemd (no systemd on the machine); a lab that did would need its own test, not a skip
    expect(pid1, 'the lab host runs systemd as PID 1').to.not.equal('systemd');
    for (const module of [serviceModule, systemdModule]) {
      const result = await lab.run(module, { name: 'ssh', state: 'started' });
      expect(result).to.include({ failed: true, changed: false, msg: `${module.name}: not available on this host: no systemd (PID 1 is ${pid1})` });
    }
  });
});
