import { expect } from 'chai';
import { ensureLxdImage, lxdImageCommands, type Run } from '../../../src/bundle/lxd-image.js';
import { pruneCommand } from '../../../src/modules/bundle_push.js';
import type { ExecResult } from '../../../src/connection/types.js';

const FP = 'f'.repeat(64);
const OTHER = 'e'.repeat(64);

/** A scripted host: answers commands from a table, records what ran. */
function scripted(answers: Record<string, Partial<ExecResult>>): { run: Run; ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    run: async (command) => {
      ran.push(command);
      const answer = answers[command] ?? { rc: 1 };
      return { rc: answer.rc ?? 0, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '', durationMs: 1 };
    },
  };
}

describe('modules/lxd_image: exact commands and idempotence by fingerprint', () => {
  it('builds the documented command lines, quoting hostile values', () => {
    expect(lxdImageCommands.import('/srv/airlock/MISP_v2.5_abcdef0.tar.gz', 'misp-v2.5')).to.equal('lxc image import /srv/airlock/MISP_v2.5_abcdef0.tar.gz --alias misp-v2.5');
    expect(lxdImageCommands.import('/srv/a b.tar.gz', '$(id)')).to.equal("lxc image import '/srv/a b.tar.gz' --alias '$(id)'");
    expect(lxdImageCommands.info(FP)).to.equal(`lxc image info ${FP}`);
    expect(lxdImageCommands.aliasQuery('misp-1')).to.equal('lxc query /1.0/images/aliases/misp-1');
    expect(lxdImageCommands.delete(FP)).to.equal(`lxc image delete ${FP}`);
  });

  it('imports a verified file, checks the reported fingerprint, removes the file', async () => {
    const host = scripted({
      [lxdImageCommands.sha256('/d/img.tar.gz')]: { stdout: `${FP}  /d/img.tar.gz\n` },
      [lxdImageCommands.import('/d/img.tar.gz', 'misp-1')]: { stdout: `Image imported with fingerprint: ${FP}\n` },
      [lxdImageCommands.removeFile('/d/img.tar.gz')]: {},
    });
    const outcome = await ensureLxdImage(host.run, { file: '/d/img.tar.gz', fingerprint: FP, alias: 'misp-1', state: 'present', keep_file: false }, false);
    expect(outcome).to.deep.include({ changed: true, fingerprint: FP });
    expect(host.ran).to.include(lxdImageCommands.import('/d/img.tar.gz', 'misp-1'));
    expect(host.ran[host.ran.length - 1]).to.equal('rm -f /d/img.tar.gz');
  });

  it('is ok (unchanged) when LXD already has the fingerprint and the alias points at it', async () => {
    const host = scripted({
      [lxdImageCommands.info(FP)]: {},
      [lxdImageCommands.aliasQuery('misp-1')]: { stdout: JSON.stringify({ target: FP }) },
      [`test -e /d/img.tar.gz`]: { rc: 1 },
    });
    const outcome = await ensureLxdImage(host.run, { file: '/d/img.tar.gz', fingerprint: FP, alias: 'misp-1', state: 'present', keep_file: false }, false);
    expect(outcome.changed).to.equal(false);
    expect(host.ran.some((c) => c.startsWith('lxc image import'))).to.equal(false);
  });

  it('refuses a file whose sha256 on the host differs, before importing', async () => {
    const host = scripted({ [lxdImageCommands.sha256('/d/img.tar.gz')]: { stdout: `${OTHER}  /d/img.tar.gz\n` } });
    const outcome = await ensureLxdImage(host.run, { file: '/d/img.tar.gz', fingerprint: FP, state: 'present', keep_file: false }, false);
    expect(outcome.failed).to.equal(true);
    expect(outcome.msg).to.contain(`sha256 on the host is ${OTHER}, expected ${FP}`);
    expect(host.ran.some((c) => c.startsWith('lxc image import'))).to.equal(false);
  });

  it('deletes the image again when LXD reports another fingerprint than the manifest', async () => {
    const host = scripted({
      [lxdImageCommands.sha256('/d/img.tar.gz')]: { stdout: `${FP}  x\n` },
      [lxdImageCommands.import('/d/img.tar.gz', undefined)]: { stdout: `Image imported with fingerprint: ${OTHER}\n` },
      [lxdImageCommands.delete(OTHER)]: {},
    });
    const outcome = await ensureLxdImage(host.run, { file: '/d/img.tar.gz', fingerprint: FP, sha256: FP, state: 'present', keep_file: true }, false);
    expect(outcome.failed).to.equal(true);
    expect(host.ran).to.include(lxdImageCommands.delete(OTHER));
  });

  it('check mode runs only read-only commands and reports the change', async () => {
    const host = scripted({ [lxdImageCommands.sha256('/d/img.tar.gz')]: { stdout: `${FP}  x\n` } });
    const outcome = await ensureLxdImage(host.run, { file: '/d/img.tar.gz', fingerprint: FP, alias: 'a', state: 'present', keep_file: false }, true);
    expect(outcome.changed).to.equal(true);
    expect(host.ran.every((c) => c === lxdImageCommands.sha256('/d/img.tar.gz') || /^(lxc image info|lxc query)/.test(c))).to.equal(true);
  });

  it('state absent deletes a present image, and is ok when it is gone', async () => {
    const present = scripted({ [lxdImageCommands.info(FP)]: {}, [lxdImageCommands.delete(FP)]: {} });
    expect((await ensureLxdImage(present.run, { fingerprint: FP, state: 'absent', keep_file: false }, false)).changed).to.equal(true);
    const gone = scripted({});
    expect((await ensureLxdImage(gone.run, { fingerprint: FP, state: 'absent', keep_file: false }, false)).changed).to.equal(false);
  });

  it('bundle_push prune keeps the bundle files and quotes their names', () => {
    expect(pruneCommand('/srv/air lock', ["it's.tar.gz"])).to.equal(
      `cd '/srv/air lock' && for f in *.tar.gz *.tar.xz *.part *.sig *.manifest.json; do [ -f "$f" ] || continue; [ "$f" = 'it'"'"'s.tar.gz' ] && continue; rm -f -- "$f"; echo "$f"; done`);
  });
});
