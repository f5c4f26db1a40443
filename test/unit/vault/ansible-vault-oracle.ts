// The reference: Debian's ansible-core 2.14 (ansible-vault, and its vault code run from python). CI installs it;
// a missing ansible-vault fails these tests, it never skips them.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ANSIBLE_VAULT = '/usr/bin/ansible-vault';

export function requireAnsibleVault(): void {
  if (!existsSync(ANSIBLE_VAULT)) throw new Error(`${ANSIBLE_VAULT} is missing: install ansible-core (scripts/setup.sh); the vault parity tests need it`);
}

/** A scratch directory with no ansible.cfg (and not world-writable), so that no configuration leaks in. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `airlock-${prefix}-`));
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** No ANSIBLE_* of the caller's environment: each test says what it sets. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ANSIBLE_NOCOLOR: '1' };
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('ANSIBLE_')) env[name] = value;
  return { ...env, ...extra };
}

export function run(file: string, args: string[], options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { cwd: options.cwd, env: cleanEnv(options.env), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

export function ansibleVault(args: string[], options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  return run(ANSIBLE_VAULT, args, options);
}

/** ansible-core's own VaultAES256 key derivation, as hex: cipher key, HMAC key, IV. */
export async function ansibleDerivedKeys(password: string, saltHex: string): Promise<{ cipherKey: string; hmacKey: string; iv: string }> {
  const script = [
    'import sys, json',
    'from ansible.parsing.vault import VaultAES256',
    'k1, k2, iv = VaultAES256._gen_key_initctr(sys.argv[1].encode(), bytes.fromhex(sys.argv[2]))',
    'print(json.dumps({"cipherKey": k1.hex(), "hmacKey": k2.hex(), "iv": iv.hex()}))',
  ].join('\n');
  const out = await run('/usr/bin/python3', ['-c', script, password, saltHex], { cwd: tmpdir() });
  if (out.code !== 0) throw new Error(`python/ansible failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as { cipherKey: string; hmacKey: string; iv: string };
}

/** ansible-core's VaultLib.encrypt with a fixed salt (ansible-vault itself always draws a random one). */
export async function ansibleEncryptWithSalt(plaintext: string, password: string, vaultId: string, salt: string): Promise<string> {
  const script = [
    'import sys',
    'from ansible.parsing.vault import VaultLib, VaultSecret',
    'out = VaultLib().encrypt(sys.argv[1].encode(), VaultSecret(sys.argv[2].encode()), vault_id=sys.argv[3], salt=sys.argv[4].encode())',
    'sys.stdout.write(out.decode())',
  ].join('\n');
  const out = await run('/usr/bin/python3', ['-c', script, plaintext, password, vaultId, salt], { cwd: tmpdir() });
  if (out.code !== 0) throw new Error(`python/ansible failed: ${out.stderr}`);
  return out.stdout;
}
