// What a module may do with a host. Two implementations: ssh.ts (ssh2) and local.ts (execa).
// Commands are shell strings that were built with src/util/shell.ts; the connection never quotes user values itself.

export interface BecomeOptions {
  /** user to become (default root) */
  user?: string;
  /** sudo password, when the host's sudoers needs one */
  password?: string;
}

export interface ExecOptions {
  /** Kill the command and fail with CommandTimeoutError after this many ms (default: the connection's command timeout). */
  timeoutMs?: number;
  /** Data written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Run through sudo as another user. */
  become?: BecomeOptions;
  /** Environment variables, exported before the command (quoted by the connection through src/util/shell.ts). */
  env?: Record<string, string>;
}

export interface ExecResult {
  /** exit status; 255 with `signal` set when the command died from a signal */
  rc: number;
  signal?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface TransferProgress {
  /** bytes of this file now on the host (includes any resumed prefix) */
  bytesDone: number;
  bytesTotal: number;
}

export interface PutFileOptions {
  /** file mode for a newly created file (e.g. 0o600) */
  mode?: number;
  /** Start writing at this offset of both files (resume); bytes before it are assumed already on the host. */
  offset?: number;
  onProgress?: (progress: TransferProgress) => void;
  /** Abort the transfer (used by tests to simulate a dropped link, and by the executor on shutdown). */
  signal?: AbortSignal;
}

export interface StreamFileOptions {
  /** send the local file from this offset on */
  offset?: number;
  /** bytesDone counts from the start of the file: the offset plus what the command was given so far */
  onProgress?: (progress: TransferProgress) => void;
  /** stop sending and give up on the command (its channel is closed; what it wrote stays on the host) */
  signal?: AbortSignal;
}

export interface RemoteFileInfo {
  size: number;
  mode: number;
  isDirectory: boolean;
  isFile: boolean;
  mtimeMs: number;
}

export type RemotePathType = 'file' | 'directory' | 'link' | 'other';

/** lstat() of a path on the host: the link itself, not its target. */
export interface RemotePathInfo {
  type: RemotePathType;
  /** permission bits with setuid/setgid/sticky (mode & 0o7777) */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  atimeMs: number;
}

/** Small content put in place without a command on the host (see Connection.installFile). */
export interface FileInstall {
  content: Buffer;
  /** created exclusively and private (0600), in dest's directory so that the rename is atomic */
  staged: string;
  dest: string;
  /** exact permission bits of the installed file (no umask) */
  mode: number;
  /** owner to give the file (an existing destination's), when it is not the login user's */
  owner?: { uid: number; gid: number };
}

export interface Connection {
  /** Inventory name of the host this connection reaches. */
  readonly host: string;
  /** The user commands and file operations run as when there is no become (the SSH login user). */
  readonly user: string;
  /** The host key this connection verified (`ssh-ed25519 AAAA...`), when it is an SSH connection. */
  readonly hostKey?: string;
  /** Run a shell command on the host. Never throws for a non-zero exit: that is in `rc`. Throws UnreachableError or CommandTimeoutError. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Stream a local file to the host in constant memory. */
  putFile(localPath: string, remotePath: string, options?: PutFileOptions): Promise<void>;
  /**
   * Run a command with a local file (from an offset) as its stdin, streamed in constant memory, and no timeout:
   * the command sees end of file after the last byte. Used where the host must process bytes as they arrive.
   */
  execWithFile(command: string, localPath: string, options?: StreamFileOptions): Promise<ExecResult>;
  /** Write small content (templates, copies of `content:`) to a file on the host. */
  putContent(content: string | Buffer, remotePath: string, options?: { mode?: number }): Promise<void>;
  /** Stream a file from the host to the controller in constant memory. */
  getFile(remotePath: string, localPath: string): Promise<void>;
  /** stat() on the host, or undefined when the path does not exist. */
  stat(remotePath: string): Promise<RemoteFileInfo | undefined>;
  /** lstat() on the host as `user`, or undefined when the path does not exist. No command runs on the host. */
  lstat(remotePath: string): Promise<RemotePathInfo | undefined>;
  /** The content of a file of at most `maxBytes` (larger: rejects), as `user`. No command runs on the host. */
  readSmallFile(remotePath: string, maxBytes: number): Promise<Buffer>;
  /**
   * Write `content` to `staged`, give it its mode (and owner), then rename it onto `dest` in one step, as `user`;
   * `staged` is removed when any step fails. No command runs on the host (SFTP over SSH): a file costs no process.
   */
  installFile(install: FileInstall): Promise<void>;
  close(): Promise<void>;
}
