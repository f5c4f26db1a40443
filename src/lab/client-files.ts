// The files an operator (or a test) uses to reach the lab: the inventory, known_hosts and an ssh_config, all
// derived from the lab state so that `airlock run PLAYBOOK -i inventories/lab.yml` needs no other option.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import type { LabHostRecord, LabState } from './state.js';

export interface HostPublicKey {
  host: LabHostRecord;
  /** "ssh-ed25519 AAAA..." without the comment */
  publicKey: string;
}

export function knownHostsText(keys: readonly HostPublicKey[]): string {
  return keys.map(({ host, publicKey }) => `${host.name},${host.ip} ${publicKey}\n`).join('');
}

export function inventoryDocument(state: LabState): unknown {
  const hosts = state.hosts.filter((h) => h.role === 'host');
  const behind = state.hosts.filter((h) => h.role === 'behind_jump');
  const jump = hosts[0];
  const first = hosts[0];
  if (jump === undefined || first === undefined) throw new Error('a lab has at least one host');
  const nameOnly = (list: readonly LabHostRecord[]): Record<string, null> =>
    Object.fromEntries(list.map((h) => [h.name, null]));
  const children: Record<string, unknown> = {
    lab: { hosts: Object.fromEntries(hosts.map((h) => [h.name, { ansible_host: h.ip }])) },
    canary: { hosts: nameOnly([first]) },
  };
  if (state.lxd) children.lxd = { hosts: nameOnly(hosts) };
  children.behind_jump = {
    hosts: Object.fromEntries(
      behind.map((h) => [
        h.name,
        {
          ansible_host: h.ip,
          // -F: real OpenSSH (Ansible) hands this file to the jump hop too, so both hops use the lab's key and known_hosts.
          ansible_ssh_common_args: `-F ${state.sshConfigPath} -o ProxyJump=root@${jump.ip}`,
          airlock_jump: [jump.name],
        },
      ]),
    ),
  };
  return {
    all: {
      vars: {
        ansible_user: 'root',
        ansible_ssh_private_key_file: state.privateKeyPath,
        airlock_known_hosts: state.knownHostsPath,
        airlock_lab: state.name,
      },
      children,
    },
  };
}

export function inventoryText(state: LabState): string {
  const header = `# Written by \`airlock lab up --name ${state.name}\`; removed by \`airlock lab down --name ${state.name}\`.\n`;
  return header + stringify(inventoryDocument(state), { nullStr: '' });
}

/** Lets a human type `ssh -F <this> lab-h001` (and ProxyJump reuses the same file for the jump hop). */
export function sshConfigText(state: LabState): string {
  const jump = state.hosts.find((h) => h.role === 'host');
  const blocks = state.hosts.map((h) => {
    const lines = [`Host ${h.name}`, `  HostName ${h.ip}`];
    if (h.role === 'behind_jump' && jump) lines.push(`  ProxyJump ${jump.name}`);
    return lines.join('\n');
  });
  const common = [
    'Host *',
    '  User root',
    `  IdentityFile ${state.privateKeyPath}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${state.knownHostsPath}`,
    '  StrictHostKeyChecking yes',
    '  GlobalKnownHostsFile /dev/null',
    '  BatchMode yes',
  ].join('\n');
  return `# Written by airlock lab up\n${blocks.join('\n')}\n${common}\n`;
}

export async function writeFileWithDirs(path: string, text: string, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, mode === undefined ? {} : { mode });
}
