// The one error for an `lxc` command that failed on a host, shared by the LXD modules and the bundle code's image
// import: it quotes the command, its exit code and lxc's own message.
export class LxcError extends Error {
  constructor(command: string, rc: number, stderr: string) {
    super(`${command} failed (rc=${rc}): ${stderr.trim() || 'no message'}`);
    this.name = 'LxcError';
  }
}
