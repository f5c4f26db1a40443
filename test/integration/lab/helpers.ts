// Shared by the lab's integration tests: OpenSSH as an operator would run it, and the airlock CLI as a subprocess.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import type { LabInfo } from '../../support/lab.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../../../bin/airlock.js', import.meta.url));

export interface CommandOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `ssh` with only the files the lab wrote: its key, its known_hosts, strict host key checking, no user config. */
export async function sshTo(lab: LabInfo, ip: string, command: string, extraArgs: string[] = []): Promise<CommandOutcome> {
  const result = await execa(
    'ssh',
    [
      '-F', '/dev/null',
      '-i', lab.privateKeyPath,
      '-o', 'IdentitiesOnly=yes',
      '-o', `UserKnownHostsFile=${lab.knownHostsPath}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes',
      '-o', 'ConnectTimeout=5',
      ...extraArgs,
      `root@${ip}`,
      command,
    ],
    { reject: false, timeout: 60_000 },
  );
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout).trim(), stderr: String(result.stderr).trim() };
}

export async function airlock(args: string[], options: { uid?: number } = {}): Promise<CommandOutcome> {
  const result = await execa('node', [CLI, ...args], {
    reject: false,
    cwd: PROJECT_ROOT,
    timeout: 300_000,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout).trim(), stderr: String(result.stderr).trim() };
}
