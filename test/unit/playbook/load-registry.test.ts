import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { findModule, moduleNames } from '../../../src/modules/lib/registry.js';
import type { ActionTask } from '../../../src/playbook/types.js';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/playbooks/', import.meta.url));

describe('playbook loader with the real module registry', () => {
  it('accepts free-form and key=value arguments of the core modules', async () => {
    const [play] = (await loadPlaybook(join(fixtures, 'real/core.yml'), { findModule, moduleNames })).plays;
    const tasks = (play?.tasks ?? []) as ActionTask[];
    expect(tasks.map((t) => t.module)).to.deep.equal(['command', 'set_fact', 'shell', 'copy', 'debug']);
    expect(tasks[0]?.args).to.deep.equal({ cmd: 'make all', chdir: '/srv', creates: '/srv/out' });
    expect(tasks[1]?.args).to.deep.equal({ release: '2.1', url: 'http://{{ host }}/x y' });
    expect(tasks[2]?.args).to.deep.equal({ cmd: 'ls /srv | wc -l' });
    expect(tasks[4]?.args).to.deep.equal({ var: 'release' });
  });
});
