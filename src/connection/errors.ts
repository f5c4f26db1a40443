// Failures of the transport, as distinct from failures of the command that ran. The executor maps
// UnreachableError to the `unreachable` status (Ansible's), everything else to `failed`.

/** The host (or a jump host on the way) could not be reached, authenticated, or dropped the connection. */
export class UnreachableError extends Error {
  readonly host: string;
  /** the hop that failed when jump hosts are involved, e.g. "jump1 -> web3" */
  readonly hop: string | undefined;
  constructor(host: string, message: string, options?: { hop?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UnreachableError';
    this.host = host;
    this.hop = options?.hop;
  }
}

/**
 * The host key was unknown (strict checking) or, worse, different from the recorded one (or listed as @revoked).
 * The host counts as unreachable.
 */
export type HostKeyProblem = 'unknown' | 'changed' | 'unsupported' | 'revoked';

export class HostKeyError extends UnreachableError {
  readonly kind: HostKeyProblem;
  constructor(host: string, kind: HostKeyProblem, message: string, options?: { hop?: string }) {
    super(host, message, options);
    this.name = 'HostKeyError';
    this.kind = kind;
  }
}

/**
 * The host is reachable but refuses the SFTP subsystem (some hardened sshd configurations remove it). Work that can
 * also be done with commands (small file deploys) falls back to them; transfers that need SFTP fail with this.
 */
export class SftpUnavailableError extends Error {
  readonly host: string;
  constructor(host: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SftpUnavailableError';
    this.host = host;
  }
}

/** A command ran longer than its timeout and was killed. */
export class CommandTimeoutError extends Error {
  readonly host: string;
  readonly command: string;
  readonly timeoutMs: number;
  constructor(host: string, command: string, timeoutMs: number) {
    super(`command timed out after ${timeoutMs} ms on ${host}: ${command}`);
    this.name = 'CommandTimeoutError';
    this.host = host;
    this.command = command;
    this.timeoutMs = timeoutMs;
  }
}
