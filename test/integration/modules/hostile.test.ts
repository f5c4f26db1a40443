// HOSTILE VALUES: command substitution, backticks, quotes, newlines and `; rm -rf` fed through every module argument
// that reaches a shell on the host (paths, content, regexps, lines, owners, chdir, creates/removes, argv items, stdin,
// env values). Afterwards no marker file may exist anywhere the payloads could have written one, and the sentinel
// file that `; rm -rf` aims at must still be there. Modules may fail on such input; they must never execute it.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from '../../../src/util/shell.js';
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
import type { ModuleContext, ModuleDefinition } from '../../../src/modules/lib/types.js';
import { moduleLab, type ModuleLab } from './module-lab.js';

const MARK = `pwned-mods-${process.pid}`;

describe('modules: hostile values never reach a shell as code', function () {
  this.timeout(180_000);
  let lab: ModuleLab;
  let d: string;
  let sentinel: string;
  let counter = 0;
  const runs: string[] = [];

  /** Payloads; path-safe ones (no '/') write their marker in the shell's working directory. */
  function payloads(forPath: boolean): string[] {
    const n = (counter += 1);
    const target = forPath ? `${MARK}-${n}` : `/tmp/${MARK}-${n}`;
    const list = [`$(touch ${target}a)`, `\`touch ${target}b\``, `'; touch ${target}c; '`, `"; touch ${target}d; "`, `x\ntouch ${target}e`, `x;touch ${target}f`];
    if (!forPath) list.push(`; rm -rf ${sentinel}`, `$(rm -rf ${sentinel})`);
    return list;
  }

  async function attempt(module: ModuleDefinition, args: Record<string, unknown>, overrides: Partial<ModuleContext> = {}): Promise<void> {
    runs.push(module.name);
    try {
      await lab.run(module, args, overrides);
    } catch {
      // a module may refuse or fail on such input; only execution of the payload matters here
    }
  }

  before(async () => {
    lab = await moduleLab();
    d = lab.remoteDir;
    sentinel = `${d}/sentinel`;
    await lab.sh(`touch ${sentinel} && mkdir -p ${d}/work`);
  });
  after(async () => {
    await lab?.conn.exec(`rm -f /tmp/${MARK}-* /root/${MARK}-* /${MARK}-*`);
    await lab?.close();
  });

  it('command: argv items, cmd words, chdir, creates, removes, stdin and env values', async () => {
    for (const value of payloads(false)) {
      await attempt(commandModule, { argv: ['echo', value, value] }, { env: { HOSTILE: value } });
      await attempt(commandModule, { cmd: `echo ${value}` });
      await attempt(commandModule, { argv: ['cat'], stdin: value });
      await attempt(commandModule, { argv: ['true'], creates: value });
      await attempt(commandModule, { argv: ['true'], removes: value });
    }
    for (const value of payloads(true)) {
      await lab.sh(`mkdir -p ${quote(`${d}/work/${value}`)}`);
      await attempt(commandModule, { argv: ['pwd'], chdir: `${d}/work/${value}` });
    }
  });

  it('shell and raw: chdir, creates, removes, executable, stdin and env values (the script text itself is shell by design)', async () => {
    for (const value of payloads(false)) {
      await attempt(shellModule, { cmd: 'cat; echo "$HOSTILE"', stdin: value }, { env: { HOSTILE: value } });
      await attempt(shellModule, { cmd: 'true', creates: value, removes: value });
      await attempt(shellModule, { cmd: 'true', executable: value });
      await attempt(rawModule, { cmd: 'true', executable: value });
    }
    for (const value of payloads(true)) await attempt(shellModule, { cmd: 'pwd', chdir: `${d}/work/${value}` });
  });

  it('script: arguments, chdir, creates, removes', async () => {
    writeFileSync(join(lab.roleDir, 'files', 'args.sh'), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    for (const value of payloads(false)) {
      await attempt(scriptModule, { cmd: `args.sh ${quote(value)} ${quote(value)}`, creates: `${d}/none-${value}`.replace(/\//g, '_') });
      await attempt(scriptModule, { cmd: 'args.sh', removes: value });
    }
    for (const value of payloads(true)) await attempt(scriptModule, { cmd: 'args.sh', chdir: `${d}/work/${value}` });
  });

  it('copy and template: dest, content, owner, group, mode, backup', async () => {
    writeFileSync(join(lab.roleDir, 'templates', 'hostile.j2'), '{{ payload }}\n');
    for (const value of payloads(false)) {
      await attempt(copyModule, { content: value, dest: `${d}/work/content-${counter}` });
      await attempt(copyModule, { content: 'x', dest: `${d}/work/owner-${counter}`, owner: value, group: value });
      await attempt(copyModule, { content: 'x', dest: `${d}/work/mode-${counter}`, mode: value });
      await attempt(templateModule, { src: 'hostile.j2', dest: `${d}/work/tpl-${counter}` }, { vars: { payload: value } });
    }
    for (const value of payloads(true)) {
      await attempt(copyModule, { content: value, dest: `${d}/work/${value}.conf`, backup: true }, { diff: true });
      await attempt(copyModule, { content: `${value}!`, dest: `${d}/work/${value}.conf`, backup: true }, { diff: true });
      await attempt(templateModule, { src: 'hostile.j2', dest: `${d}/work/${value}.tpl` }, { vars: { payload: value } });
    }
  });

  it('file, stat, lineinfile, fetch: paths, link src, owners, lines, regexps, anchors', async () => {
    for (const value of payloads(false)) {
      await attempt(fileModule, { path: `${d}/work/dir-${counter}`, state: 'directory', owner: value, group: value, recurse: true, mode: '0755' });
      await attempt(fileModule, { path: `${d}/work/link-${counter}`, state: 'link', src: value });
      await attempt(lineinfileModule, { path: `${d}/work/lines`, line: value, regexp: value, create: true, insertafter: value });
      await attempt(lineinfileModule, { path: `${d}/work/lines`, regexp: value, state: 'absent' });
      await attempt(statModule, { path: value });
      await attempt(fetchModule, { src: value, dest: lab.roleDir });
    }
    for (const value of payloads(true)) {
      const path = `${d}/work/${value}`;
      for (const state of ['touch', 'file', 'directory', 'absent', 'link']) await attempt(fileModule, { path: `${path}-${state}`, state, src: path, mode: '0640' });
      await attempt(statModule, { path, checksum_algorithm: 'sha256' });
      await attempt(lineinfileModule, { path: `${path}.lines`, line: value, create: true, backup: true }, { diff: true });
      await attempt(fetchModule, { src: `${path}.lines`, dest: lab.roleDir });
    }
  });

  it('wait_for: path, search_regex, host', async () => {
    for (const value of payloads(false)) {
      await attempt(waitForModule, { path: value, timeout: 0, sleep: 0.1 });
      await attempt(waitForModule, { path: sentinel, search_regex: value, timeout: 0, sleep: 0.1 });
      await attempt(waitForModule, { host: value, port: 22, timeout: 0, connect_timeout: 1 });
    }
  });

  it('left no marker file anywhere and the sentinel survived', async () => {
    expect(runs.length).to.be.greaterThan(100);
    const found = await lab.sh(`ls -d /tmp/${MARK}-* /root/${MARK}-* /${MARK}-* ${d}/${MARK}-* 2>/dev/null; find ${d} -name '${MARK}-*' -type f 2>/dev/null; true`);
    expect(found, 'marker files created by injected commands').to.equal('');
    expect(await lab.sh(`test -f ${sentinel} && echo present`)).to.equal('present\n');
  });
});
