// `airlock vault` and `ansible-vault` 2.14 on the same files, both ways: what one writes the other reads.
import { expect } from 'chai';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ansibleVault, requireAnsibleVault, run, scratchDir, type Ran } from '../../unit/vault/ansible-vault-oracle.js';

const BIN = fileURLToPath(new URL('../../../../bin/airlock.js', import.meta.url));

function airlock(args: string[], options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  return run(process.execPath, [BIN, 'vault', ...args], options);
}

const mode = (path: string): number => statSync(path).mode & 0o777;

/** The envelope inside encrypt_string's YAML (the indented lines). */
const envelopeOf = (yaml: string): string => `${yaml.split('\n').slice(1).map((line) => line.trim()).join('\n')}\n`;

describe('airlock vault <-> ansible-vault', function () {
  this.timeout(120_000);
  let dir: string;
  before(requireAnsibleVault);
  beforeEach(() => {
    dir = scratchDir('vault-cli');
    writeFileSync(join(dir, 'dev.pw'), 'dev-pass\n');
    writeFileSync(join(dir, 'ops.pw'), 'ops-pass\n');
  });

  it('reads what ansible-vault encrypts, 1.1 and 1.2 with a vault id (view, decrypt to stdout, decrypt in place)', async () => {
    writeFileSync(join(dir, 'a.yml'), 'db_password: hunter2\n');
    writeFileSync(join(dir, 'b.yml'), 'api_key: k-123\n');
    expect((await ansibleVault(['encrypt', '--vault-password-file', 'dev.pw', 'a.yml'], { cwd: dir })).code).to.equal(0);
    expect((await ansibleVault(['encrypt', '--vault-id', 'ops@ops.pw', 'b.yml'], { cwd: dir })).code).to.equal(0);
    expect(readFileSync(join(dir, 'b.yml'), 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.2;AES256;ops\n/);
    const viewed = await airlock(['view', '--vault-id', 'dev@dev.pw', '--vault-id', 'ops@ops.pw', 'a.yml', 'b.yml'], { cwd: dir });
    expect(viewed.code, viewed.stderr).to.equal(0);
    expect(viewed.stdout).to.equal('db_password: hunter2\napi_key: k-123\n');
    const toStdout = await airlock(['decrypt', '--vault-password-file', 'ops.pw', '--output', '-', 'b.yml'], { cwd: dir });
    expect(toStdout.stdout).to.equal('api_key: k-123\n');
    expect((await airlock(['decrypt', '--vault-pass-file', 'dev.pw', 'a.yml'], { cwd: dir })).code).to.equal(0);
    expect(readFileSync(join(dir, 'a.yml'), 'utf8')).to.equal('db_password: hunter2\n');
  });

  it('writes files ansible-vault reads: encrypt in place (mode 0600), from stdin, with --encrypt-vault-id', async () => {
    writeFileSync(join(dir, 'plain.yml'), 'token: abc\n', { mode: 0o644 });
    const encrypted = await airlock(['encrypt', '--vault-id', 'dev@dev.pw', 'plain.yml'], { cwd: dir });
    expect(encrypted.code, encrypted.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'plain.yml'), 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.2;AES256;dev\n/);
    expect(mode(join(dir, 'plain.yml'))).to.equal(0o600);
    expect((await ansibleVault(['view', '--vault-id', 'dev@dev.pw', 'plain.yml'], { cwd: dir })).stdout).to.equal('token: abc\n');

    const both = ['--vault-id', 'dev@dev.pw', '--vault-id', 'ops@ops.pw'];
    const ambiguous = await airlock(['encrypt', ...both, '--output', '-'], { cwd: dir, input: 'x: 1\n' });
    expect(ambiguous.code).to.equal(1);
    expect(ambiguous.stderr).to.include('the vault-ids dev,ops are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id');
    const chosen = await airlock(['encrypt', ...both, '--encrypt-vault-id', 'ops', '--output', 'out.yml'], { cwd: dir, input: 'x: 1\n' });
    expect(chosen.code, chosen.stderr).to.equal(0);
    expect((await ansibleVault(['view', '--vault-password-file', 'ops.pw', 'out.yml'], { cwd: dir })).stdout).to.equal('x: 1\n');
    const again = await airlock(['encrypt', '--vault-password-file', 'dev.pw', 'out.yml'], { cwd: dir });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include('input is already encrypted');
  });

  it('encrypt_string: the same YAML shape and stderr as ansible-vault, values ansible-vault decrypts', async () => {
    const args = ['encrypt_string', '--vault-id', 'ops@ops.pw', '-n', 'first', '-n', 'second', 'one', 'two', 'three'];
    const ours = await airlock(args, { cwd: dir });
    const theirs = await ansibleVault(args, { cwd: dir });
    expect(ours.code, ours.stderr).to.equal(0);
    expect(ours.stderr).to.equal(theirs.stderr);
    const shape = (text: string): string => text.replace(/^( {10})[0-9a-f]+$/gm, '$1HEX');
    expect(shape(ours.stdout).split('\n').filter((line) => !line.endsWith('HEX'))).to.deep.equal(shape(theirs.stdout).split('\n').filter((line) => !line.endsWith('HEX')));
    expect(ours.stdout.endsWith('\n')).to.equal(theirs.stdout.endsWith('\n'));
    const blocks = ours.stdout.split(/\n(?=\S)/);
    expect(blocks.map((block) => block.split('\n')[0])).to.deep.equal(['first: !vault |', 'second: !vault |', '!vault |']);
    const plaintexts: string[] = [];
    for (const block of blocks) {
      const decrypted = await ansibleVault(['decrypt', '--vault-id', 'ops@ops.pw', '--output', '-', '-'], { cwd: dir, input: envelopeOf(block) });
      expect(decrypted.code, decrypted.stderr).to.equal(0);
      plaintexts.push(decrypted.stdout);
    }
    expect(plaintexts).to.deep.equal(['one', 'two', 'three']);
    const fromStdin = await airlock(['encrypt_string', '--vault-password-file', 'dev.pw', '--stdin-name', 'piped'], { cwd: dir, input: 'line\n' });
    expect(fromStdin.stdout.split('\n')[0]).to.equal('piped: !vault |');
    expect((await ansibleVault(['decrypt', '--vault-password-file', 'dev.pw', '--output', '-', '-'], { cwd: dir, input: envelopeOf(fromStdin.stdout) })).stdout).to.equal('line\n');
  });

  it('rekey: a new secret and vault id that ansible-vault reads, the file mode kept', async () => {
    writeFileSync(join(dir, 'r.yml'), 'k: v\n');
    await ansibleVault(['encrypt', '--vault-id', 'dev@dev.pw', 'r.yml'], { cwd: dir });
    chmodSync(join(dir, 'r.yml'), 0o640);
    const rekeyed = await airlock(['rekey', '--vault-id', 'dev@dev.pw', '--new-vault-id', 'ops@ops.pw', 'r.yml'], { cwd: dir });
    expect(rekeyed.code, rekeyed.stderr).to.equal(0);
    expect(rekeyed.stderr).to.include('Rekey successful');
    expect(readFileSync(join(dir, 'r.yml'), 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.2;AES256;ops\n/);
    expect(mode(join(dir, 'r.yml'))).to.equal(0o640);
    expect((await ansibleVault(['view', '--vault-id', 'ops@ops.pw', 'r.yml'], { cwd: dir })).stdout).to.equal('k: v\n');
    const old = await ansibleVault(['view', '--vault-id', 'dev@dev.pw', 'r.yml'], { cwd: dir });
    expect(old.code).to.not.equal(0);
  });

  it('create and edit run $EDITOR on a 0600 file that is gone afterwards; edit keeps the vault id', async () => {
    const editor = join(dir, 'editor.sh');
    // records the scratch file's path and mode, then appends a line to it
    writeFileSync(editor, `#!/bin/sh\nstat -c '%a %n' "$1" >> ${join(dir, 'editor.log')}\nprintf 'edited: yes\\n' >> "$1"\n`);
    chmodSync(editor, 0o755);
    const env = { EDITOR: editor };
    const created = await airlock(['create', '--vault-id', 'dev@dev.pw', 'new.yml'], { cwd: dir, env });
    expect(created.code, created.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'new.yml'), 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.2;AES256;dev\n/);
    expect((await ansibleVault(['view', '--vault-id', 'dev@dev.pw', 'new.yml'], { cwd: dir })).stdout).to.equal('edited: yes\n');
    const edited = await airlock(['edit', '--vault-password-file', 'dev.pw', 'new.yml'], { cwd: dir, env });
    expect(edited.code, edited.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'new.yml'), 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.2;AES256;dev\n/);
    expect((await ansibleVault(['view', '--vault-id', 'dev@dev.pw', 'new.yml'], { cwd: dir })).stdout).to.equal('edited: yes\nedited: yes\n');
    const log = readFileSync(join(dir, 'editor.log'), 'utf8').trim().split('\n');
    expect(log).to.have.length(2);
    for (const line of log) {
      const [perm, path] = line.split(' ');
      expect(perm).to.equal('600');
      expect(existsSync(path as string), `${path} must be removed`).to.equal(false);
    }
    const exists = await airlock(['create', '--vault-id', 'dev@dev.pw', 'new.yml'], { cwd: dir, env });
    expect(exists.code).to.equal(1);
    expect(exists.stderr).to.include("exists, please use 'edit' instead");
  });

  it('edit leaves the file alone when nothing changed (ansible-vault re-encrypts only on change)', async () => {
    writeFileSync(join(dir, 'same.yml'), 'a: 1\n');
    await ansibleVault(['encrypt', '--vault-id', 'dev@dev.pw', 'same.yml'], { cwd: dir });
    const before = readFileSync(join(dir, 'same.yml'), 'utf8');
    const edited = await airlock(['edit', '--vault-id', 'dev@dev.pw', 'same.yml'], { cwd: dir, env: { EDITOR: 'true' } });
    expect(edited.code, edited.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'same.yml'), 'utf8')).to.equal(before);
  });

  it('a wrong password is exit 1 with one error naming the file and its vault id; a client script gets --vault-id', async () => {
    writeFileSync(join(dir, 'w.yml'), 'a: 1\n');
    await ansibleVault(['encrypt', '--vault-id', 'dev@dev.pw', 'w.yml'], { cwd: dir });
    const wrong = await airlock(['view', '--vault-id', 'ops@ops.pw', 'w.yml'], { cwd: dir });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr.trim().split('\n')).to.have.length(1);
    expect(wrong.stderr).to.match(/w\.yml: decryption failed \(vault id 'dev'\)/);
    expect(wrong.stderr).not.to.include('ops-pass');
    writeFileSync(join(dir, 'keys-client'), `#!/bin/sh\n[ "$1 $2" = "--vault-id dev" ] && echo dev-pass && exit 0\nexit 2\n`);
    chmodSync(join(dir, 'keys-client'), 0o755);
    const viaClient = await airlock(['view', '--vault-id', 'dev@keys-client', 'w.yml'], { cwd: dir });
    expect(viaClient.code, viaClient.stderr).to.equal(0);
    expect(viaClient.stdout).to.equal('a: 1\n');
    const theirs = await ansibleVault(['view', '--vault-id', 'dev@keys-client', 'w.yml'], { cwd: dir });
    expect(theirs.stdout).to.equal(viaClient.stdout);
  });

  it('tries every secret whatever the file\'s vault id, unless vault_id_match is set - to anything, False included (as ansible-vault 2.14)', async () => {
    writeFileSync(join(dir, 'm.yml'), 'm: 1\n');
    await ansibleVault(['encrypt', '--vault-id', 'dev@dev.pw', 'm.yml'], { cwd: dir });
    const args = ['view', '--vault-id', 'other@dev.pw', 'm.yml'];
    for (const env of [{}, { ANSIBLE_VAULT_ID_MATCH: 'True' }, { ANSIBLE_VAULT_ID_MATCH: 'False' }]) {
      const ours = await airlock(args, { cwd: dir, env });
      const theirs = await ansibleVault(args, { cwd: dir, env });
      expect([ours.code === 0, ours.stdout], JSON.stringify(env)).to.deep.equal([theirs.code === 0, theirs.stdout]);
    }
    expect((await airlock(args, { cwd: dir, env: { ANSIBLE_VAULT_ID_MATCH: 'True' } })).stderr).to.match(/none of the vault ids given \(other\) is 'dev'/);
  });

  it('takes ANSIBLE_VAULT_PASSWORD_FILE and ANSIBLE_VAULT_IDENTITY_LIST as ansible-vault does', async () => {
    writeFileSync(join(dir, 'e.yml'), 'e: 1\n');
    const encrypted = await airlock(['encrypt', 'e.yml'], { cwd: dir, env: { ANSIBLE_VAULT_IDENTITY_LIST: 'ops@ops.pw' } });
    expect(encrypted.code, encrypted.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'e.yml'), 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.2;AES256;ops\n/);
    const theirs = await ansibleVault(['view', 'e.yml'], { cwd: dir, env: { ANSIBLE_VAULT_PASSWORD_FILE: join(dir, 'ops.pw') } });
    const ours = await airlock(['view', 'e.yml'], { cwd: dir, env: { ANSIBLE_VAULT_PASSWORD_FILE: join(dir, 'ops.pw') } });
    expect(ours.code, ours.stderr).to.equal(0);
    expect(ours.stdout).to.equal(theirs.stdout);
  });
});
