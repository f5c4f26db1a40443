// Fan-out push on real SSH hosts (lab "fanout", 8 hosts + one behind a jump host): hosts relay verified copies to
// each other over SSH with a key made for the push. What a user checks: every host holds the exact image, the
// workstation's link carried it about once (counted by the kernel on the lab bridge), a relay dying mid-send or
// sending bad bytes changes nothing in the end, and no key is left behind.
import { expect } from 'chai';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LabInfo } from '../../support/lab.js';
import { bytesSentIntoLab, killProcesses, pathOnHost } from '../../support/lab-hosts.js';
import type { OpenBundle } from '../../../src/bundle/bundle-dir.js';
import { pushBundleFanOut, type FanOutOptions } from '../../../src/bundle/fanout.js';
import { fanOutTarget } from '../../../src/bundle/fanout-target.js';
import type { HostPushResult } from '../../../src/bundle/push.js';
import { sh } from '../../../src/util/shell.js';
import { bundleLab, onHost, runAirlock, writePushPlaybook, type LabClients } from './helpers.js';

const MIB = 1024 * 1024;
const BIG = 32 * MIB;
const SMALL = 3 * MIB;
// plain progress lines, whatever the terminal
const CI_ENV = { ...process.env, CI: 'true' };
const MISP = 'MISP_v9.9.2_abcdef1.tar.gz';

describe('bundle push --fan-out on lab hosts (integration)', function () {
  this.timeout(300_000);
  // set up once in before(): the lab, its clients, a work directory with the bundle, the 8 host names
  let lab: LabInfo, clients: LabClients, work: string, bundleDir: string, bundle: OpenBundle, hosts: string[];
  const dest = '/srv/airlock-fanout-test';
  const dests = ['', '-kill', '-tamper', '-cli', '-module'].map((suffix) => `${dest}${suffix}`);

  function options(destDir: string, extra: Partial<FanOutOptions> = {}): FanOutOptions {
    return {
      destDir, maxTransfers: 4, progressIntervalMs: 250,
      connect: (host) => clients.connect(host), reconnect: (host) => clients.connect(host),
      target: (host) => fanOutTarget(host, clients.inventory.hosts.get(host)?.vars ?? {}),
      ...extra,
    };
  }

  async function expectVerifiedEverywhere(destDir: string, on: readonly string[]): Promise<void> {
    const [misp, mysql] = bundle.manifest.components;
    for (const host of on) {
      const listing = await onHost(clients, host, sh`cd ${destDir} && sha256sum ${misp?.file ?? ''} ${mysql?.file ?? ''} && ls -A`);
      expect(listing, host).to.contain(`${misp?.sha256}  ${misp?.file}`);
      expect(listing, host).to.contain(`${mysql?.sha256}  ${mysql?.file}`);
      expect(listing, host).not.to.contain('.part');
    }
  }

  /** No host keeps a trace of any push: no key line, no relay directory with a private key. */
  async function expectNoFanOutKeys(on: readonly string[]): Promise<void> {
    for (const host of on) {
      const left = await onHost(clients, host, 'grep -c airlock-fanout "$HOME/.ssh/authorized_keys" 2>/dev/null; ls -d "$HOME"/.airlock-fanout-* 2>/dev/null; true');
      expect(left.trim(), host).to.be.oneOf(['', '0']);
    }
  }

  function expectAllChanged(results: readonly HostPushResult[]): void {
    expect(results.map((r) => [r.host, r.status, r.error])).to.deep.equal(hosts.map((h) => [h, 'changed', undefined]));
  }

  before(async () => {
    ({ lab, clients, hosts, work, bundleDir, bundle } = await bundleLab('fanout', 8, { [MISP]: BIG, 'MySQL_10.11.10.tar.gz': SMALL }, 'fan1'));
    await Promise.all([...hosts, lab.behindJumpHost.name].map((host) => onHost(clients, host, sh`rm -rf ${dests}`)));
  });

  after(async () => {
    if (clients) {
      await Promise.all([...hosts, lab.behindJumpHost.name].map((host) => onHost(clients, host, sh`rm -rf ${dests}`).catch(() => undefined)));
      await clients.close();
    }
    await bundle?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('delivers byte-identical verified files to 8 hosts while the workstation sends each image about once (bridge counter)', async () => {
    const before = bytesSentIntoLab(lab);
    const results = await pushBundleFanOut(bundle, hosts, options(dest));
    const wire = bytesSentIntoLab(lab) - before;
    expectAllChanged(results);
    await expectVerifiedEverywhere(dest, hosts);
    // the kernel's count of what left the controller for the lab: both images once, plus SSH and TCP overhead
    expect(wire, `${wire} bytes on the bridge`).to.be.at.least(BIG + SMALL);
    expect(wire, `${wire} bytes on the bridge`).to.be.at.most(1.3 * (BIG + SMALL));
    // the report: per file one host got it from the workstation, the seven others from a relay, all bytes received
    for (const component of bundle.manifest.components) {
      const entries = results.map((r) => r.files.find((f) => f.component === component.name));
      expect(entries.filter((f) => f?.relay === undefined).length, component.name).to.equal(1);
      for (const entry of entries) expect(entry?.bytesReceived, component.name).to.equal(component.size);
      for (const entry of entries.filter((f) => f?.relay !== undefined)) expect(hosts).to.include(entry?.relay);
    }
    expect(results.reduce((sum, r) => sum + r.bytesSent, 0)).to.equal(BIG + SMALL);
    await expectNoFanOutKeys(hosts);
  });

  it('a relay killed mid-send is replaced; its receiver resumes from another source and every host ends verified', async () => {
    const destDir = dests[1] as string;
    let killed = 0;
    let watching = true;
    // watched from outside any SSH session: as soon as some receiver's partial file is a quarter there, every relay
    // ssh client in the lab dies (the workstation's own stream to the seed is not an ssh process and goes on)
    const watcher = (async () => {
      while (watching && killed === 0) {
        for (const host of hosts) {
          const part = pathOnHost(lab, host, `${destDir}/${MISP}.part`);
          // between a quarter and a half: far more left to send than socket buffers hold, so the kill cuts the send
          const size = existsSync(part) ? statSync(part).size : 0;
          if (size >= BIG / 4 && size <= BIG / 2) {
            for (const relay of hosts) killed += killProcesses(lab, relay, 'ssh');
            if (killed > 0) break;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const results = await pushBundleFanOut(bundle, hosts, options(destDir));
    watching = false;
    await watcher;
    expect(killed, 'no relay was caught mid-send').to.be.greaterThan(0);
    expectAllChanged(results);
    await expectVerifiedEverywhere(destDir, hosts);
    const retried = results.flatMap((r) => r.files).filter((f) => f.component === 'misp' && f.relayFailures !== undefined);
    expect(retried.length).to.be.greaterThan(0);
    for (const entry of retried) expect(entry.relayFailures?.[0]).to.match(/^from \S+: /);
    await expectNoFanOutKeys(hosts);
  });

  it('a relay whose copy was tampered with is refused by its receiver, serves no one, and is itself served again', async () => {
    const destDir = dests[2] as string;
    let tampered: string | undefined;
    const results = await pushBundleFanOut(bundle, hosts, options(destDir, {
      components: ['misp'],
      // the first host to hold the image gets one byte flipped before it serves anyone (same size, other hash)
      onVerified: async (host) => {
        if (tampered !== undefined) return;
        tampered = host;
        await onHost(clients, host, sh`printf X | dd of=${`${destDir}/${MISP}`} bs=1 seek=1000 conv=notrunc 2>/dev/null`);
      },
    }));
    expect(tampered).to.be.a('string');
    expect(results.map((r) => [r.host, r.status, r.error])).to.deep.equal(hosts.map((h) => [h, 'changed', undefined]));
    const misp = bundle.manifest.components[0];
    for (const host of hosts) {
      const sum = await onHost(clients, host, sh`sha256sum ${`${destDir}/${MISP}`}; ls -A ${destDir}`);
      expect(sum, host).to.contain(`${misp?.sha256}  ${destDir}/${MISP}`);
      expect(sum, host).not.to.contain('.part');
    }
    const refused = results.filter((r) => r.files[0]?.relayFailures?.some((note) => note.startsWith(`from ${tampered}: the receiver refused the bytes`)));
    expect(refused.length, JSON.stringify(results.map((r) => r.files[0]?.relayFailures))).to.equal(1);
    expect(refused[0]?.files[0]?.relay).not.to.equal(tampered);
    const relayEntry = results.find((r) => r.host === tampered)?.files[0];
    expect(relayEntry?.relayFailures?.some((note) => note.startsWith('its own copy no longer hashed'))).to.equal(true);
    // nobody got the tampered relay's bytes under the final name
    for (const result of results) if (result.host !== tampered) expect(result.files[0]?.relay).not.to.equal(tampered);
    await expectNoFanOutKeys(hosts);
  });

  it('`airlock bundle push --fan-out` reports each host\'s source and the workstation\'s total; the host behind the jump is served directly', async () => {
    const destDir = dests[3] as string;
    const behind = lab.behindJumpHost.name;
    const run = await runAirlock(['bundle', 'push', bundleDir, '-i', lab.inventoryPath, '-l', [...hosts.slice(0, 4), behind].join(','),
      '--dest', destDir, '--insecure-skip-signature', '--fan-out'], CI_ENV);
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
    expect(run.stdout).to.match(new RegExp(`${behind}: changed, 35\\.0 MiB sent \\(2 sent, 0 skipped\\)`));
    expect(run.stdout).to.match(/: changed, 35\.0 MiB received \(misp from \S+-h00\d, mysql from \S+-h00\d; 0 B from the workstation; 2 sent, 0 skipped\)/);
    // the seed and the host behind the jump: two copies from the workstation, none more
    expect(run.stdout).to.match(/5 host\(s\), 5 changed, 0 ok, 0 failed, 0 unreachable; 70\.0 MiB sent by the workstation, 175 MiB received by the hosts/);
    await expectVerifiedEverywhere(destDir, [...hosts.slice(0, 4), behind]);
    await expectNoFanOutKeys([...hosts.slice(0, 4), behind]);
  });

  it('bundle_push with fan_out: true in a playbook: the play\'s hosts relay to each other, the workstation sends about once', async () => {
    const destDir = dests[4] as string;
    const playbook = join(work, 'fanout.yml');
    writePushPlaybook(playbook, hosts.slice(0, 4), { bundle: bundleDir, dest: destDir, insecure_skip_signature: true, fan_out: true });
    const before = bytesSentIntoLab(lab);
    const run = await runAirlock(['run', playbook, '-i', lab.inventoryPath, '--output', 'plain'], CI_ENV);
    const wire = bytesSentIntoLab(lab) - before;
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
    expect(run.stdout.match(/changed: \[/g)?.length).to.equal(4);
    await expectVerifiedEverywhere(destDir, hosts.slice(0, 4));
    // one copy of each image and the playbook's own small traffic, not four copies
    expect(wire, `${wire} bytes on the bridge`).to.be.at.most(1.3 * (BIG + SMALL));
    await expectNoFanOutKeys(hosts.slice(0, 4));
  });
});
