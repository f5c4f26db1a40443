// Wrap a module's command for the host: exported environment variables and privilege escalation through sudo.
// Shared by the SSH and the local connection so that both run exactly the same shell text.
import { quote, sh } from '../util/shell.js';
import type { ExecOptions } from './types.js';

export interface WrappedCommand {
  command: string;
  /** written to stdin before the caller's own stdin (the sudo password line); never logged */
  stdinPrefix?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function envPrefix(env: Record<string, string> | undefined): string {
  if (env === undefined) return '';
  const names = Object.keys(env);
  if (names.length === 0) return '';
  const assignments = names.map((name) => {
    if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name ${JSON.stringify(name)}`);
    return `${name}=${quote(env[name] ?? '')}`;
  });
  return `export ${assignments.join(' ')}; `;
}

/**
 * Let the host enforce a timeout itself: coreutils `timeout` kills the command's whole process group. The controller
 * cannot do that over SSH for root logins (OpenSSH refuses signal requests when privilege separation is off, which
 * it is for root sessions), and closing the channel alone leaves the command running.
 */
function withHostTimeout(command: string, timeoutMs: number | undefined): string {
  if (timeoutMs === undefined || timeoutMs <= 0) return command;
  const seconds = (timeoutMs / 1000).toFixed(3);
  return sh`if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL ${seconds} sh -c ${command}; else exec sh -c ${command}; fi`;
}

/**
 * `connectedUser` is who the SSH session runs as: becoming that same user needs no sudo (root becoming root, the
 * common case here, costs nothing). The environment is exported INSIDE the sudo'd shell because sudo resets it.
 */
export function wrapCommand(command: string, options: ExecOptions, connectedUser: string, defaultBecomePassword?: string, hostTimeoutMs?: number): WrappedCommand {
  // The timeout sits inside sudo so that it runs as the same user as the command it has to kill.
  const inner = withHostTimeout(`${envPrefix(options.env)}${command}`, hostTimeoutMs);
  const become = options.become;
  if (become === undefined) return { command: inner };
  const user = become.user ?? 'root';
  if (user === connectedUser) return { command: inner };
  const password = become.password ?? defaultBecomePassword;
  if (password === undefined) {
    // -n: fail at once ("a password is required") instead of waiting for a prompt nobody answers.
    return { command: sh`sudo -H -S -n -u ${user} -- sh -c ${inner}` };
  }
  // -k: ignore cached credentials so sudo always reads the line we send (else it would reach the command's stdin);
  // -p '': no prompt text mixed into stderr.
  return { command: sh`sudo -k -H -S -p '' -u ${user} -- sh -c ${inner}`, stdinPrefix: `${password}\n` };
}
