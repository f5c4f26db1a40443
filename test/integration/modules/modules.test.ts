// Every core module against a real lab host over SSH: the first run changes the host, the second reports ok, and
// --check changes nothing (verified by reading the host afterwards, not by trusting the module).
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandModule } from '../../../src/modules/command.js';
import { shellModule } from '../../../src/modules/shell.js';
import { rawModule } from '../../../src/modules/raw.js';
import { scriptModule } from '../../../src/modules/script.js';
import { copyModule } from '../../../src/modules/copy.js';
import { templateModule } from '../../../src/modules/template.js';
import { fileModule } from '../../../src/modules/file.js';
import { statModule } from '../../../src/modules/stat.js';
import { lineinfileModule } from '../../../src/modules/lineinfile.js';
import { fetchModule } from '../../../src/modules/fetch.js';
import { waitForModule } from '../../../src/modules/wait_for.js';
import { setupModule } from '../../../src/modules/setup.js';
import { assertModule } from '../../../src/modules/assert.js';
import type { ModuleDefinition, ModuleResult } from '../../../src/modules/lib/types.js';
import { moduleLab, type ModuleLab } from './module-lab.js';
import { rejectionOf } from '../../support/rejection.js';
import type { ExecOptions } from '../../../src/connection/types.js';
import { SftpUnavailableError } from '../../../src/connection/errors.js';
import { INLINE_CONTENT_MAX_BYTES } from '../../../src/modules/lib/deploy.js';
import { ConnectionPool } from '../../../src/connection/pool.js';
import { startExtraSshd } from '../../support/lab-hosts.js';

describe('modules on a real lab host', function () {
  this.timeout(120_000);
  let lab: ModuleLab;
  let d: string;
  before(async () => {
    lab = await moduleLab();
    d = lab.remoteDir;
  });
  after(async () => lab?.close());

  /** First run changes, second is ok; returns both results. */
  async function twice(module: ModuleDefinition, args: Record<string, unknown>): Promise<[ModuleResult, ModuleResult]> {
    const first = await lab.run(module, args);
    expect(first.failed, `${module.name} first run: ${first.msg ?? ''}`).to.not.equal(true);
    expect(first.changed, `${module.name} first run changed`).to.equal(true);
    const second = await lab.run(module, args);
    expect(second.failed, `${module.name} second run: ${second.msg ?? ''}`).to.not.equal(true);
    expect(second.changed, `${module.name} second run changed`).to.equal(false);
    return [first, second];
  }

  it('command runs argv without a shell, honours chdir, and creates makes it idempotent', async () => {
    const result = await lab.run(commandModule, { cmd: `echo "a  b" '$HOME' ;`, chdir: d });
    expect(result.stdout).to.equal('a  b $HOME ;');
    expect(result.changed).to.equal(true);
    await twice(commandModule, { argv: ['touch', `${d}/created`], creates: `${d}/created` });
    const failed = await lab.run(commandModule, { argv: ['false'] });
    expect(failed.failed).to.equal(true);
    expect(failed.rc).to.equal(1);
  });

  it('command in check mode does not run', async () => {
    const result = await lab.run(commandModule, { argv: ['touch', `${d}/check-cmd`] }, { check: true });
    expect(result.skipped).to.equal(true);
    expect(await lab.sh(`test -e ${d}/check-cmd && echo yes || echo no`)).to.equal('no\n');
  });

  it('shell runs pipes, with stdin and env, through /bin/sh or a given executable', async () => {
    const piped = await lab.run(shellModule, { cmd: 'tr a-z A-Z | tr -d "\\n"; echo " $GREETING"', stdin: 'hello' }, { env: { GREETING: 'hi there' } });
    expect(piped.stdout).to.equal('HELLO hi there');
    const bash = await lab.run(shellModule, { cmd: 'echo ${BASH_VERSION:+bash}', executable: '/bin/bash' });
    expect(bash.stdout).to.equal('bash');
    await twice(shellModule, { cmd: `echo x > ${d}/shell-made`, creates: `${d}/shell-made` });
    await twice(shellModule, { cmd: `rm ${d}/shell-made`, removes: `${d}/shell-made` });
  });

  it('raw sends text as is; skipped in check mode', async () => {
    expect((await lab.run(rawModule, { cmd: 'echo $((1+2))' })).stdout).to.equal('3');
    expect((await lab.run(rawModule, { cmd: `touch ${d}/raw-check` }, { check: true })).skipped).to.equal(true);
    expect(await lab.sh(`ls ${d}`)).to.not.include('raw-check');
  });

  it('script pushes, runs with arguments and removes the script; creates makes it idempotent', async () => {
    writeFileSync(join(lab.roleDir, 'files', 'hello.sh'), '#!/bin/sh\necho "args:$1|$2"; touch "$3"\n');
    const args = { cmd: `hello.sh 'one two' three ${d}/script-ran`, creates: `${d}/script-ran` };
    const [first] = await twice(scriptModule, args);
    expect(first.stdout).to.equal('args:one two|three');
    expect(await lab.sh('ls -a /tmp | grep -c "^.airlock-script-" || true')).to.equal('0\n');
  });

  it('copy content: changed, then ok; mode and owner applied; diff shows before/after; backup kept', async () => {
    const dest = `${d}/conf/app.conf`;
    await lab.sh(`mkdir -p ${d}/conf`);
    const [first, second] = await twice(copyModule, { content: 'a=1\n', dest, mode: '0640', owner: 'root', group: 'root' });
    expect(first.data?.['checksum']).to.equal(second.data?.['checksum']);
    expect(await lab.sh(`stat -c %a:%U ${dest}; cat ${dest}`)).to.equal('640:root\na=1\n');
    const changed = await lab.run(copyModule, { content: 'a=2\n', dest, backup: true }, { diff: true });
    expect(changed.diff).to.deep.equal([{ path: dest, before: 'a=1\n', after: 'a=2\n' }]);
    // the existing file's mode survives a content change
    expect(await lab.sh(`stat -c %a ${dest}; cat ${changed.data?.['backup_file'] as string}`)).to.equal('640\na=1\n');
    // no staging files left behind
    expect(await lab.sh(`ls -a ${d}/conf | grep -c airlock || true`)).to.equal('0\n');
  });

  it('copy as the login user goes over SFTP: exact modes whatever the umask, owner kept, atomic, no leftovers', async () => {
    const dir = `${d}/direct`;
    await lab.sh(`mkdir -p ${dir} && ln -s ${dir}/real ${dir}/link && echo old > ${dir}/real`);
    // no command runs on the host for a new file, nor to decide that it is up to date
    const commands: string[] = [];
    const conn = new Proxy(lab.conn, {
      get: (target, property) => {
        if (property === 'exec') return (command: string, options?: ExecOptions) => (commands.push(command), target.exec(command, options));
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    expect((await lab.run(copyModule, { content: 'new\n', dest: `${dir}/plain` }, { conn })).changed).to.equal(true);
    expect((await lab.run(copyModule, { content: 'new\n', dest: `${dir}/plain` }, { conn })).changed).to.equal(false);
    expect(commands).to.deep.equal([]);
    // a new file: 0644 by default, or exactly the requested mode (setgid included) - not what a umask would leave
    await twice(copyModule, { content: 'run\n', dest: `${dir}/tool`, mode: '2750' });
    expect(await lab.sh(`stat -c '%a %U' ${dir}/plain ${dir}/tool; cat ${dir}/plain`)).to.equal('644 root\n2750 root\nnew\n');
    // a changed file keeps its owner and mode (here one the login user does not have) and is replaced in one rename
    await lab.sh(`chown nobody:nogroup ${dir}/plain && chmod 0604 ${dir}/plain && stat -c %i ${dir}/plain > ${dir}/inode`);
    const same = await lab.run(copyModule, { content: 'NEW\n', dest: `${dir}/plain` });
    expect(same).to.include({ changed: true, msg: 'changed: content' });
    expect(await lab.sh(`stat -c '%a %U:%G' ${dir}/plain; cat ${dir}/plain; [ "$(stat -c %i ${dir}/plain)" != "$(cat ${dir}/inode)" ] && echo renamed`)).to.equal('604 nobody:nogroup\nNEW\nrenamed\n');
    // same size, other content: read back and compared, so the change is not missed
    expect((await lab.run(copyModule, { content: 'NEX\n', dest: `${dir}/plain` })).changed).to.equal(true);
    // a symlinked destination keeps the probe's semantics (the link is replaced by the file, as before)
    await twice(copyModule, { content: 'via link\n', dest: `${dir}/link` });
    expect(await lab.sh(`cat ${dir}/link; cat ${dir}/real`)).to.equal('via link\nold\n');
    // a missing directory fails the task, names the file, and leaves nothing behind
    const failed = await rejectionOf(lab.run(copyModule, { content: 'x\n', dest: `${dir}/missing/file` }), Error);
    expect(failed.message).to.equal(`copy: installing ${dir}/missing/file failed: no such directory: ${dir}/missing`);
    expect(await lab.sh(`ls -a ${dir} | grep -c airlock || true`)).to.equal('0\n');
  });

  it('copy on a host whose sshd has no SFTP subsystem falls back to commands; what needs SFTP says why', async () => {
    const target = lab.lab.hosts[1];
    if (!target) throw new Error('the modules lab has no second host');
    const sshd = await startExtraSshd(lab.lab, target.name, 2222, (config) => config.replace(/^Subsystem .*$/m, ''));
    // the host's key, recorded for the extra port
    const record = readFileSync(lab.lab.knownHostsPath, 'utf8').split('\n').map((line) => line.split(' ')).find(([names]) => names?.split(',').includes(target.ip));
    if (!record) throw new Error(`${lab.lab.knownHostsPath} has no key for ${target.ip}`);
    const knownHosts = join(lab.roleDir, 'known_hosts_2222');
    writeFileSync(knownHosts, `[${target.ip}]:2222 ${record.slice(1).join(' ')}\n`);
    const pool = new ConnectionPool({ userKnownHostsFile: '/nonexistent/airlock-test/known_hosts', knownHostsFiles: [knownHosts] });
    try {
      const conn = await pool.get(target.name, { ansible_host: target.ip, ansible_port: 2222, ansible_user: 'root', ansible_ssh_private_key_file: lab.lab.privateKeyPath });
      const dest = `/srv/airlock-nosftp-${process.pid}.txt`;
      const first = await lab.run(copyModule, { content: 'no sftp\n', dest }, { conn, host: target.name });
      expect(first).to.include({ changed: true, msg: 'changed: created' });
      expect((await lab.run(copyModule, { content: 'no sftp\n', dest }, { conn, host: target.name })).changed).to.equal(false);
      expect((await conn.exec(`stat -c %a ${dest}; cat ${dest}; rm ${dest}`)).stdout).to.equal('644\nno sftp\n');
      const refused = await rejectionOf(conn.putContent('x', `${dest}.2`), SftpUnavailableError);
      expect(refused.message).to.match(/refuses SFTP/);
    } finally {
      await pool.closeAll();
      sshd.stop();
    }
  });

  it('become to a non-root user: commands and copies run as that user through sudo', async () => {
    const become = { become: { user: 'nobody' } };
    const uploadsInTmp = (): Promise<string> => lab.sh(`ls -a /tmp | grep '^.airlock-upload-' || true`);
    const uploadsBefore = await uploadsInTmp();
    expect((await lab.run(commandModule, { argv: ['id', '-un'] }, become)).stdout).to.equal('nobody');
    const small = `/tmp/airlock-become-small-${process.pid}`;
    const big = `/tmp/airlock-become-big-${process.pid}`;
    try {
      // small content rides on the sudo'd exec's stdin; larger content goes over SFTP to /tmp first, then sudo copies it
      const bigContent = 'y'.repeat(INLINE_CONTENT_MAX_BYTES + 1);
      for (const [dest, content] of [[small, 'as nobody\n'], [big, bigContent]] as const) {
        expect((await lab.run(copyModule, { content, dest }, become)).changed, dest).to.equal(true);
        expect((await lab.run(copyModule, { content, dest }, become)).changed, dest).to.equal(false);
      }
      expect(await lab.sh(`stat -c '%U %a %s' ${small} ${big}`)).to.equal(`nobody 644 10\nnobody 644 ${INLINE_CONTENT_MAX_BYTES + 1}\n`);
      // nobody cannot write where root's files are: the copy fails and leaves nothing behind
      const denied = await rejectionOf(lab.run(copyModule, { content: 'x\n', dest: `${d}/denied` }, become), Error);
      expect(denied.message).to.match(/Permission denied/);
      expect(await lab.sh(`ls -a ${d} | grep -c -e denied -e airlock- || true`)).to.equal('0\n');
      // nor in /tmp: the uploads the sudo'd copies used were removed by their owner
      expect(await uploadsInTmp()).to.equal(uploadsBefore);
    } finally {
      await lab.sh(`rm -f ${small} ${big}`);
    }
  });

  it('copy in check mode reports the change and leaves the host alone', async () => {
    const dest = `${d}/check-copy`;
    const result = await lab.run(copyModule, { content: 'x\n', dest }, { check: true, diff: true });
    expect(result.changed).to.equal(true);
    expect(result.diff?.[0]?.after).to.equal('x\n');
    expect(await lab.sh(`test -e ${dest} && echo yes || echo no`)).to.equal('no\n');
  });

  it('copy src file and a directory tree recursively; force: false keeps an existing file', async () => {
    const files = join(lab.roleDir, 'files');
    writeFileSync(join(files, 'single.txt'), 'single\n');
    mkdirSync(join(files, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(files, 'tree', 'top.txt'), 'top\n');
    writeFileSync(join(files, 'tree', 'sub', 'deep.txt'), 'deep\n');
    await lab.sh(`mkdir -p ${d}/into`);
    await twice(copyModule, { src: 'single.txt', dest: `${d}/into/` });
    expect(await lab.sh(`cat ${d}/into/single.txt`)).to.equal('single\n');
    await twice(copyModule, { src: 'tree', dest: `${d}/into` });
    expect(await lab.sh(`cat ${d}/into/tree/top.txt ${d}/into/tree/sub/deep.txt`)).to.equal('top\ndeep\n');
    const kept = await lab.run(copyModule, { content: 'other\n', dest: `${d}/into/single.txt`, force: false });
    expect(kept.changed).to.equal(false);
    expect(await lab.sh(`cat ${d}/into/single.txt`)).to.equal('single\n');
  });

  it('template renders with the task variables, then behaves as copy', async () => {
    writeFileSync(join(lab.roleDir, 'templates', 'motd.j2'), 'Welcome to {{ site }} ({{ hosts | length }} hosts)\n');
    const vars = { site: 'enclave-1', hosts: ['a', 'b'] };
    const args = { src: 'motd.j2', dest: `${d}/motd` };
    expect((await lab.run(templateModule, args, { vars })).changed).to.equal(true);
    expect((await lab.run(templateModule, args, { vars })).changed).to.equal(false);
    expect(await lab.sh(`cat ${d}/motd`)).to.equal('Welcome to enclave-1 (2 hosts)\n');
    const check = await lab.run(templateModule, args, { vars: { site: 'other', hosts: [] }, check: true, diff: true });
    expect(check.changed).to.equal(true);
    expect(check.diff?.[0]?.before).to.equal('Welcome to enclave-1 (2 hosts)\n');
    expect(await lab.sh(`cat ${d}/motd`)).to.equal('Welcome to enclave-1 (2 hosts)\n');
  });

  it('file: directory (recurse), touch, link, file attributes and absent are idempotent; check mode changes nothing', async () => {
    await twice(fileModule, { path: `${d}/tree2/a/b`, state: 'directory', mode: '0750' });
    await lab.sh(`touch ${d}/tree2/a/f`);
    await twice(fileModule, { path: `${d}/tree2`, state: 'directory', mode: '0755', recurse: true });
    expect(await lab.sh(`stat -c %a ${d}/tree2/a/b ${d}/tree2/a/f`)).to.equal('755\n755\n');
    await twice(fileModule, { path: `${d}/touched`, state: 'touch', mode: 'u=rw,go=r' });
    expect(await lab.sh(`stat -c %a ${d}/touched`)).to.equal('644\n');
    await twice(fileModule, { path: `${d}/touched`, state: 'file', mode: 'g+w' });
    expect(await lab.sh(`stat -c %a ${d}/touched`)).to.equal('664\n');
    await twice(fileModule, { path: `${d}/link`, state: 'link', src: `${d}/touched` });
    expect(await lab.sh(`readlink ${d}/link`)).to.equal(`${d}/touched\n`);
    const check = await lab.run(fileModule, { path: `${d}/touched`, state: 'absent' }, { check: true });
    expect(check.changed).to.equal(true);
    expect(await lab.sh(`test -e ${d}/touched && echo yes`)).to.equal('yes\n');
    await twice(fileModule, { path: `${d}/tree2`, state: 'absent' });
    const missing = await lab.run(fileModule, { path: `${d}/nope`, state: 'file' });
    expect(missing.failed).to.equal(true);
    expect(missing.msg).to.include('is absent, cannot continue');
  });

  it('stat returns Ansible-shaped facts with a sha1 checksum by default', async () => {
    await lab.sh(`printf 'hello\\n' > ${d}/st && chmod 0604 ${d}/st`);
    const result = await lab.run(statModule, { path: `${d}/st` });
    const stat = result.data?.['stat'] as Record<string, unknown>;
    expect(stat).to.include({ exists: true, isreg: true, isdir: false, islnk: false, mode: '0604', uid: 0, pw_name: 'root', size: 6 });
    expect(stat['checksum']).to.equal('f572d396fae9206628714fb2ce00f72e94f2258f');
    const sha256 = await lab.run(statModule, { path: `${d}/st`, checksum_algorithm: 'sha256' });
    expect((sha256.data?.['stat'] as Record<string, unknown>)['checksum']).to.equal('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    expect((await lab.run(statModule, { path: `${d}/missing` })).data).to.deep.equal({ stat: { exists: false } });
  });

  it('lineinfile: replace by regexp, insertafter, absent, create; check mode and diff', async () => {
    const path = `${d}/sshd_config`;
    await lab.sh(`printf 'Port 22\\n#PermitRootLogin yes\\nUsePAM yes\\n' > ${path} && chmod 0600 ${path}`);
    await twice(lineinfileModule, { path, regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' });
    await twice(lineinfileModule, { path, line: 'X11Forwarding no', insertafter: '^Port' });
    await twice(lineinfileModule, { path, regexp: '^UsePAM', state: 'absent' });
    expect(await lab.sh(`cat ${path}; stat -c %a ${path}`)).to.equal('Port 22\nX11Forwarding no\nPermitRootLogin no\n600\n');
    const check = await lab.run(lineinfileModule, { path, line: 'Banner none' }, { check: true, diff: true });
    expect(check.changed).to.equal(true);
    expect(check.diff?.[0]?.after).to.equal('Port 22\nX11Forwarding no\nPermitRootLogin no\nBanner none\n');
    expect(await lab.sh(`grep -c Banner ${path} || true`)).to.equal('0\n');
    const missing = await lab.run(lineinfileModule, { path: `${d}/new.conf`, line: 'a' });
    expect(missing.failed).to.equal(true);
    await twice(lineinfileModule, { path: `${d}/new.conf`, line: 'a', create: true });
  });

  it('fetch copies to dest/<host>/<path>, verifies the checksum, skips when unchanged', async () => {
    const local = mkdtempSync(join(tmpdir(), 'airlock-fetch-'));
    try {
      await lab.sh(`echo fetched > ${d}/to-fetch`);
      const [first] = await twice(fetchModule, { src: `${d}/to-fetch`, dest: local });
      expect(readFileSync(join(local, lab.host, d, 'to-fetch'), 'utf8')).to.equal('fetched\n');
      expect(first.data?.['checksum']).to.have.length(64);
      await twice(fetchModule, { src: `${d}/to-fetch`, dest: `${local}/flat.txt`, flat: true });
      const check = await lab.run(fetchModule, { src: `${d}/to-fetch`, dest: `${local}/check/` , flat: true }, { check: true });
      expect(check.changed).to.equal(true);
      expect(() => readFileSync(join(local, 'check', 'to-fetch'))).to.throw();
      expect((await lab.run(fetchModule, { src: `${d}/absent`, dest: local })).failed).to.equal(true);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });

  it('wait_for: a path appearing later, a listening port, and an honest timeout', async () => {
    void lab.conn.exec(`sleep 1; echo ready > ${d}/later`);
    const started = Date.now();
    const appeared = await lab.run(waitForModule, { path: `${d}/later`, search_regex: 'ready', timeout: 10, sleep: 0.2 });
    expect(appeared.failed, appeared.msg).to.not.equal(true);
    expect(Date.now() - started).to.be.lessThan(5000);
    const port = await lab.run(waitForModule, { host: lab.lab.hosts[0]?.ip ?? '', port: 22, timeout: 5 });
    expect(port.failed, port.msg).to.not.equal(true);
    const timedOut = await lab.run(waitForModule, { path: `${d}/never`, timeout: 1, sleep: 0.2 });
    expect(timedOut.failed).to.equal(true);
    expect(timedOut.msg).to.equal(`Timeout when waiting for ${d}/never`);
    expect(timedOut.changed).to.equal(false);
  });

  it('setup gathers Ansible-named facts in one exec', async () => {
    const result = await lab.run(setupModule, {});
    const facts = result.data?.['ansible_facts'] as Record<string, unknown>;
    expect(facts['ansible_hostname']).to.equal(lab.host);
    expect(facts['ansible_distribution']).to.equal('Debian');
    expect(facts['ansible_distribution_version']).to.match(/^\d+/);
    expect(facts['ansible_processor_vcpus']).to.be.greaterThan(0);
    expect(facts['ansible_memtotal_mb']).to.be.greaterThan(0);
    expect(facts['ansible_all_ipv4_addresses']).to.include(lab.lab.hosts[0]?.ip);
    // lab hosts have no default route
    expect(facts['ansible_default_ipv4']).to.deep.equal({});
    expect((facts['ansible_mounts'] as Array<{ mount: string }>).some((m) => m.mount === '/')).to.equal(true);
  });

  it('assert evaluates expressions and fails with fail_msg', async () => {
    const vars = { rc: 0, items: [1, 2] };
    expect((await lab.run(assertModule, { that: ['rc == 0', 'items | length == 2'] }, { vars })).failed).to.not.equal(true);
    const failed = await lab.run(assertModule, { that: ['rc == 0', 'rc == 1'], fail_msg: 'rc was not 1' }, { vars });
    expect(failed).to.include({ failed: true, msg: 'rc was not 1' });
    expect(failed.data?.['assertion']).to.equal('rc == 1');
  });
});
