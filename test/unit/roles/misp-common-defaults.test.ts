import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createTemplater } from '../../../src/template/index.js';

const DEFAULTS = fileURLToPath(new URL('../../../../roles/misp_common/defaults/main.yml', import.meta.url));

describe('roles/misp_common defaults', () => {
  const defaults = parse(readFileSync(DEFAULTS, 'utf8')) as Record<string, unknown>;
  const saved = process.env['AIRLOCK_CREDENTIALS_DIR'];
  afterEach(() => {
    if (saved === undefined) delete process.env['AIRLOCK_CREDENTIALS_DIR'];
    else process.env['AIRLOCK_CREDENTIALS_DIR'] = saved;
  });

  // The operator reads this path in the install's last line and goes to fetch the passwords there.
  it('keeps credentials in .airlock/credentials beside the playbooks directory, as a plain path', () => {
    delete process.env['AIRLOCK_CREDENTIALS_DIR'];
    const path = createTemplater().render(defaults['misp_credentials_dir'], { playbook_dir: '/opt/enclave/playbooks' });
    expect(path).to.equal('/opt/enclave/.airlock/credentials');
  });

  it('takes AIRLOCK_CREDENTIALS_DIR when it is set', () => {
    process.env['AIRLOCK_CREDENTIALS_DIR'] = '/srv/vault/misp';
    expect(createTemplater().render(defaults['misp_credentials_dir'], { playbook_dir: '/opt/enclave/playbooks' })).to.equal('/srv/vault/misp');
  });
});
