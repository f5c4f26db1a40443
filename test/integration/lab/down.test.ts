// `lab up` twice (the second must clear the first) and `lab down`, which must leave nothing behind: no netns, no
// links, no processes, no state dir, no inventory. Also the refusal to run without root.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { labNames, labPaths, readLabState } from '../../../src/lab/index.js';
import { isRunning } from '../../../src/lab/processes.js';
import { airlock, PROJECT_ROOT } from './helpers.js';

const LAB = 'labdown';

async function netnsOfLab(): Promise<string[]> {
  const { stdout } = await execa('ip', ['netns', 'list']);
  return stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => labNames(LAB).netnsPattern.test(n));
}

async function linkNames(): Promise<string[]> {
  const { stdout } = await execa('ip', ['-o', 'link', 'show']);
  return stdout.split('\n').map((line) => (line.split(': ')[1] ?? '').split('@')[0] ?? '');
}

describe('lab: up over a stale lab, then down leaves nothing', function () {
  this.timeout(120_000);
  const paths = labPaths(LAB, PROJECT_ROOT);

  after(async () => {
    await airlock(['lab', 'down', '--name', LAB]);
  });

  it('re-creates a lab of the same name over the previous one, which answers with new keys', async () => {
    const first = await airlock(['lab', 'up', '--hosts', '2', '--name', LAB]);
    expect(first.exitCode, first.stderr).to.equal(0);
    const before = await readLabState(paths);
    const second = await airlock(['lab', 'up', '--hosts', '2', '--name', LAB]);
    expect(second.exitCode, second.stderr).to.equal(0);
    expect(second.stdout).to.contain(`inventories/lab-${LAB}.yml`);
    for (const host of before?.hosts ?? []) {
      if (host.sshdPid !== undefined) expect(isRunning(host.sshdPid), `old sshd ${host.sshdPid}`).to.equal(false);
    }
    expect(await netnsOfLab()).to.have.length(3);
    const ssh = await execa('ssh', ['-F', paths.sshConfigPath, labNames(LAB).hostName(2), 'hostname'], { reject: false });
    expect(ssh.exitCode, String(ssh.stderr)).to.equal(0);
    expect(String(ssh.stdout).trim()).to.equal(labNames(LAB).hostName(2));
  });

  it('removes every netns, link, process and file on `lab down`', async () => {
    const state = await readLabState(paths);
    if (state === undefined) throw new Error('lab state missing after up');
    const pids = state.hosts.flatMap((h) => (h.sshdPid === undefined ? [] : [h.sshdPid]));
    expect(pids).to.have.length(3);
    const links = [state.bridge, ...state.hosts.flatMap((h) => (h.veth ? [h.veth] : []))];
    expect(await linkNames()).to.include.members(links);

    const down = await airlock(['lab', 'down', '--name', LAB]);
    expect(down.exitCode, down.stderr).to.equal(0);

    expect(await netnsOfLab()).to.deep.equal([]);
    const remaining = await linkNames();
    for (const link of links) expect(remaining, `link ${link}`).not.to.include(link);
    for (const pid of pids) expect(isRunning(pid), `sshd ${pid}`).to.equal(false);
    expect(existsSync(paths.stateDir)).to.equal(false);
    expect(existsSync(paths.inventoryPath)).to.equal(false);

    const status = await airlock(['lab', 'status', '--name', LAB]);
    expect(status.stdout).to.contain('not up');
    expect(status.exitCode).to.equal(4);
  });

  it('refuses to run without root, saying so, with exit code 1', async () => {
    const nobody = 65534;
    const result = await airlock(['lab', 'up', '--hosts', '1', '--name', 'labnoroot'], { uid: nobody });
    expect(result.exitCode).to.equal(1);
    expect(result.stderr).to.match(/needs root/);
  });
});
