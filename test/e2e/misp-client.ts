// What a MISP user does from a lab host, with the host's own curl against the MISP container's address: log in
// through the web form (CSRF tokens taken from the page, as a browser does) and call the REST API with the API key.
// Secrets go to the host through ssh's stdin, never on a command line.
import { execa } from 'execa';
import { joinCommand } from '../../src/util/shell.js';

export interface LabSsh {
  sshConfigPath: string;
}

/** A shell command on a lab host through OpenSSH (independent of airlock's own transport); stdin optional. */
export async function onHost(lab: LabSsh, host: string, command: string, input?: string): Promise<string> {
  const result = await execa('ssh', ['-F', lab.sshConfigPath, host, command], { reject: false, ...(input === undefined ? {} : { input }) });
  if (result.exitCode !== 0) throw new Error(`ssh ${host} ${command.slice(0, 200)}: exit ${result.exitCode}: ${result.stderr.slice(-2000)} ${result.stdout.slice(-1000)}`);
  return result.stdout;
}

/** A command inside one of the host's stack containers. */
export function inContainer(container: string, argv: string[]): string {
  return joinCommand(['lxc', 'exec', container, '--project', 'misp', '--', ...argv]);
}

// Reads the password from stdin; prints the redirect after the POST, then the logged-in user's e-mail from
// /users/view/me.json with the session cookie (empty when the session did not hold).
const LOGIN_SCRIPT = `
read -r pw
jar=$(mktemp); page=$(mktemp); trap 'rm -f "$jar" "$page"' EXIT
curl -sk -c "$jar" -b "$jar" -o "$page" "$1/users/login"
token() { sed -n "s/.*name=\\"data\\[_Token\\]\\[$1\\]\\" value=\\"\\([^\\"]*\\)\\".*/\\1/p" "$page" | head -1; }
key=$(token key); fields=$(token fields); unlocked=$(token unlocked)
printf '%s' "$pw" | curl -sk -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}\\n' \\
  --data-urlencode "_method=POST" --data-urlencode "data[_Token][key]=$key" \\
  --data-urlencode "data[User][email]=$2" --data-urlencode "data[User][password]@-" \\
  --data "data[_Token][fields]=$fields" --data-urlencode "data[_Token][unlocked]=$unlocked" "$1/users/login"
curl -sk -c "$jar" -b "$jar" -H 'Accept: application/json' "$1/users/view/me.json" | sed -n 's/.*"email": *"\\([^"]*\\)".*/\\1/p' | head -1
`;

export interface LoginResult {
  redirect: string;
  sessionEmail: string;
}

export async function webLogin(lab: LabSsh, host: string, url: string, email: string, password: string): Promise<LoginResult> {
  const out = await onHost(lab, host, joinCommand(['sh', '-c', LOGIN_SCRIPT, 'sh', url, email]), `${password}\n`);
  const [redirect = '', sessionEmail = ''] = out.split('\n');
  return { redirect: redirect.trim(), sessionEmail: sessionEmail.trim() };
}

const API_SCRIPT = `
read -r key
h=$(mktemp); trap 'rm -f "$h"' EXIT
printf 'Authorization: %s\nAccept: application/json\nContent-Type: application/json\n' "$key" > "$h"
if [ -n "$3" ]; then cat | curl -sk -H @"$h" -X "$2" --data-binary @- -w '\n%{http_code}' "$1"
else curl -sk -H @"$h" -X "$2" -w '\n%{http_code}' "$1"; fi
`;

export interface ApiResult {
  status: number;
  body: string;
}

/** One REST call; `body` is sent as JSON. The key is the first line of stdin, the body the rest. */
export async function api(lab: LabSsh, host: string, url: string, key: string, method: string, path: string, body?: unknown): Promise<ApiResult> {
  const input = `${key}\n${body === undefined ? '' : JSON.stringify(body)}`;
  const out = await onHost(lab, host, joinCommand(['sh', '-c', API_SCRIPT, 'sh', `${url}${path}`, method, body === undefined ? '' : 'body']), input);
  const cut = out.lastIndexOf('\n');
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}

export async function apiJson<T>(lab: LabSsh, host: string, url: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const result = await api(lab, host, url, key, method, path, body);
  if (result.status !== 200) throw new Error(`${method} ${path} on ${host}: HTTP ${result.status}: ${result.body.slice(0, 500)}`);
  return JSON.parse(result.body) as T;
}
