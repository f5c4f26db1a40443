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
 * `connectedUser` is who the SSH session runs as: becoming that same user needs no sudo (root becoming root, the
 * common case here, costs nothing). The environment is exported INSIDE the sudo'd shell because sudo resets it.
 */
export function wrapCommand(command: string, options: ExecOptions, connectedUser: string, defaultBecomePassword?: string): WrappedCommand {
  const inner = `${envPrefix(options.env)}${command}`;
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
