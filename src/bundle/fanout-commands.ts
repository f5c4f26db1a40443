// The commands a bundle fan-out runs on hosts (see docs/bundle.md, "Fan-out"): the per-push key handed to a relay,
// the restricted authorized_keys line on a receiver, the relay's send, and the cleanup. Pure functions over
// src/util/shell.ts, so unit tests can read the exact command lines.
import { sh } from '../util/shell.js';
import { receiveSteps } from './remote-commands.js';

/** A push's id: 16 hex digits, random per push; it names the key lines and the relay directory of that push. */
export function fanOutTag(pushId: string): string {
  if (!/^[0-9a-f]{16}$/.test(pushId)) throw new Error(`fan-out push id must be 16 hex digits, got ${JSON.stringify(pushId)}`);
  return `airlock-fanout-${pushId}`;
}

/**
 * Where a relay keeps the push's private key and known_hosts, as a shell word: a fresh 0700 directory in the login
 * user's home (private to that user, unlike /tmp), removed by cleanupCommand. The tag is [a-z0-9-] only (fanOutTag),
 * so the word needs no quoting beyond the double quotes that let the shell expand $HOME.
 */
export function relayDir(pushId: string): string {
  return `"$HOME/.${fanOutTag(pushId)}"`;
}

/** The alias the relay's ssh checks a receiver's host key under (HostKeyAlias), whatever address it dials. */
export function hostKeyAlias(receiver: string): string {
  return `airlock-fanout-${receiver.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * Makes the relay directory (`mkdir -m 700` fails when the path exists: nothing prepared by someone else is used)
 * and writes the private key from stdin, never from a command line. The known_hosts file follows the same way.
 */
export function relaySetupCommand(pushId: string): string {
  const dir = relayDir(pushId);
  return `umask 077; mkdir -m 700 ${dir} && cat > ${dir}/key`;
}

export function relayKnownHostsCommand(pushId: string): string {
  return `umask 077; cat > ${relayDir(pushId)}/known_hosts`;
}

/** known_hosts lines for the relay: each receiver's key as the controller's own handshake verified it. */
export function relayKnownHosts(receivers: ReadonlyArray<{ host: string; hostKey: string }>): string {
  return receivers.map((r) => `${hostKeyAlias(r.host)} ${r.hostKey}\n`).join('');
}

/**
 * The forced command of a receiver's key line: the same receive command as a direct push (hash while receiving,
 * rename only when size and SHA-256 match), for exactly this file, resume offset and hash, refused after `expires`
 * (epoch seconds) so that a line a crashed controller could not remove is useless once the push is over.
 */
export function forcedReceiveCommand(partPath: string, finalPath: string, offset: number, size: number, sha256: string, expires: number): string {
  return [
    sh`[ "$(date +%s)" -le ${expires} ] || { echo "airlock fan-out key expired" >&2; exit 7; }`,
    ...receiveSteps(partPath, finalPath, offset, size, sha256),
  ].join('; ');
}

/**
 * An authorized_keys line: `restrict` (no forwarding, pty, agent, X11, user rc) and the forced command, whatever the
 * client asks to run. OpenSSH's option parser knows one escape inside a quoted value, `\"`; a line cannot continue.
 */
export function authorizedKeyLine(forcedCommand: string, publicKey: string, tag: string): string {
  if (/[\r\n]/.test(forcedCommand)) throw new Error('a forced command must fit on one authorized_keys line');
  if (!/^ssh-ed25519 [A-Za-z0-9+/=]+$/.test(publicKey)) throw new Error('fan-out keys are ed25519 public keys in OpenSSH form');
  return `restrict,command="${forcedCommand.replace(/"/g, '\\"')}" ${publicKey} ${tag}`;
}

/** authorized_keys without the push's lines, then `extra`: written to a temporary file and renamed (atomic for sshd). */
function rewriteAuthorizedKeys(tag: string, extra: string | undefined): string {
  const append = extra === undefined ? '' : sh` && printf '%s\n' ${extra} >> "$t"`;
  return sh`umask 077; mkdir -p "$HOME/.ssh" && k="$HOME/.ssh/authorized_keys" && t="$k.airlock-tmp" && `
    + sh`{ [ -f "$k" ] || : > "$k"; } && { grep -v -F -e ${` ${tag}`} "$k" > "$t"; [ $? -le 1 ]; }` + append + ' && mv -f "$t" "$k"';
}

/** Install the receiver's one line of this push (replacing an earlier one: a receiver takes one file at a time). */
export function installKeyCommand(line: string, tag: string): string {
  return rewriteAuthorizedKeys(tag, line);
}

/** Take the receiver's line away once its send ended (the next attempt installs its own). */
export function removeKeyCommand(tag: string): string {
  return rewriteAuthorizedKeys(tag, undefined);
}

/** A relay's copy that no longer hashes to the image: it must not serve again, nor stay under the final name. */
export function removeFileCommand(path: string): string {
  return sh`rm -f ${path}`;
}

/** Every trace of the push on a host: its authorized_keys lines and the relay directory with the private key. */
export function cleanupCommand(pushId: string): string {
  const tag = fanOutTag(pushId);
  return `rm -rf ${relayDir(pushId)}; ` + sh`if grep -q -F -e ${` ${tag}`} "$HOME/.ssh/authorized_keys" 2>/dev/null; then `
    + rewriteAuthorizedKeys(tag, undefined) + '; fi';
}

export interface RelaySend {
  pushId: string;
  /** the relay's verified copy */
  file: string;
  offset: number;
  receiver: string;
  address: string;
  port: number;
  user: string;
}

/**
 * On the relay: its verified copy (from the receiver's resume offset) into ssh to the receiver, whose key line runs
 * the receive command. The relay's own ssh client, with the push's key only, no config file, the receiver's host key
 * pinned, keepalives so a dead receiver ends the send. Output: the receive command's report (the controller
 * believes only what it reads on the receiver itself).
 */
export function relaySendCommand(send: RelaySend): string {
  const dir = relayDir(send.pushId);
  const ssh = `ssh -F /dev/null -i ${dir}/key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes `
    + `-o UserKnownHostsFile=${dir}/known_hosts ` + sh`-o GlobalKnownHostsFile=/dev/null -o HostKeyAlias=${hostKeyAlias(send.receiver)} `
    + sh`-o ConnectTimeout=20 -o ServerAliveInterval=5 -o ServerAliveCountMax=4 -o ClearAllForwardings=yes -o Compression=no -T `
    + sh`-p ${send.port} -l ${send.user} ${send.address} airlock-receive`;
  // no extra process copying the bytes for a fresh send; `tail -c +N` only to resume
  return send.offset === 0 ? `${ssh} < ${sh`${send.file}`}` : `${sh`tail -c +${send.offset + 1} ${send.file}`} | ${ssh}`;
}

/** The bytes of a partial upload on a receiver (read by the controller, never taken from the relay's word). */
export function partSizeCommand(partPath: string): string {
  return sh`stat -c %s ${partPath} 2>/dev/null || echo 0`;
}
