// Contender (c), the ceiling: the same ten command lines (remoteCommandLine: `shell` tasks through /bin/sh -c) and
// the same small-file upload over ssh2 connections that are already open, with the same concurrency and the same
// per-task barrier as a linear strategy (every host finishes a task before any host starts the next). No templating,
// no results, no reporting: what is left is the SSH work itself, which is as fast as an orchestrator on this machine
// can possibly be.
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import ssh2 from 'ssh2';
import { judgeHostKey, knownHostsName, parseKnownHosts } from '../../src/connection/known-hosts-format.js';
import { COMMAND_TASKS, COPY_CONTENT, copyDestination, remoteCommandLine } from './workload.js';

export interface CeilingHost {
  name: string;
  ip: string;
}

export interface CeilingConnections {
  clients: Map<string, ssh2.Client>;
  connectMs: number;
  close(): void;
}

function connectOne(host: CeilingHost, privateKey: Buffer, knownHosts: ReturnType<typeof parseKnownHosts>): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', (error) => reject(new Error(`${host.name}: ${error.message}`)));
    client.connect({
      host: host.ip,
      port: 22,
      username: 'root',
      privateKey,
      readyTimeout: 60_000,
      // host-key checking stays on here too: the lab's known_hosts, exactly as airlock and Ansible use it
      hostVerifier: (key: Buffer) => judgeHostKey(knownHosts, [knownHostsName(host.ip, 22)], key).kind === 'trusted',
    });
    // TCP_NODELAY, as airlock (src/connection/ssh-client.ts) and OpenSSH set it: without it every exec waits on
    // delayed ACKs, and the ceiling would not be the fastest this transport can go.
    client.setNoDelay(true);
  });
}

export async function openCeilingConnections(hosts: readonly CeilingHost[], privateKeyPath: string, knownHostsPath: string, concurrency: number): Promise<CeilingConnections> {
  const privateKey = readFileSync(privateKeyPath);
  const knownHosts = parseKnownHosts(readFileSync(knownHostsPath, 'utf8'), knownHostsPath);
  const limit = pLimit(concurrency);
  const started = performance.now();
  const clients = new Map<string, ssh2.Client>();
  const settled = await Promise.allSettled(hosts.map((host) => limit(async () => clients.set(host.name, await connectOne(host, privateKey, knownHosts)))));
  const connectMs = performance.now() - started;
  const close = (): void => {
    for (const client of clients.values()) client.end();
  };
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    close();
    throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
  }
  return { clients, connectMs, close };
}

function execOnce(client: ssh2.Client, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) {
        reject(error);
        return;
      }
      let code = -1;
      channel.on('data', () => undefined); // read stdout as an orchestrator would (and so the window keeps moving)
      channel.stderr.on('data', () => undefined);
      channel.on('exit', (status: number | null) => {
        code = status ?? -1;
      });
      channel.on('close', () => resolve(code));
    });
  });
}

function sftpOf(client: ssh2.Client): Promise<ssh2.SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
}

function upload(sftp: ssh2.SFTPWrapper, path: string, content: string): Promise<void> {
  return new Promise((resolve, reject) => sftp.writeFile(path, content, { mode: 0o644 }, (error) => (error ? reject(error) : resolve())));
}

/** Runs the workload; returns the wall time in ms of the tasks only (connections were opened before). */
export async function runCeiling(connections: CeilingConnections, concurrency: number, runId: string): Promise<number> {
  const limit = pLimit(concurrency);
  const entries = [...connections.clients.entries()];
  const started = performance.now();
  for (const task of COMMAND_TASKS) {
    const commandLine = remoteCommandLine(task);
    await Promise.all(
      entries.map(([name, client]) =>
        limit(async () => {
          const code = await execOnce(client, commandLine);
          if (code !== 0) throw new Error(`ceiling: ${name}: '${commandLine}' exited ${code}`);
        }),
      ),
    );
  }
  const destination = copyDestination(runId);
  await Promise.all(
    entries.map(([, client]) =>
      limit(async () => {
        const sftp = await sftpOf(client);
        await upload(sftp, destination, COPY_CONTENT);
        sftp.end();
      }),
    ),
  );
  return performance.now() - started;
}
