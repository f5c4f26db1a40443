// uri: an HTTP request made FROM the host (health checks inside the enclave), with the host's curl: nothing is
// installed there. Ansible's arguments (url, method, body, body_format raw/json/form-urlencoded, headers,
// status_code, return_content, timeout, validate_certs, follow_redirects) and return values (status, url, msg,
// response headers as lower_case keys, content and json with return_content). The body travels on stdin, every
// other value is quoted; the answer is host data: decoded and parsed, never rendered.
import { sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalBool, optionalNumber, optionalString, requireString } from './lib/common.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

export interface UriRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeout: number;
  validateCerts: boolean;
  followRedirects: boolean;
}

/** One exec: curl into a private temp dir, then the response head and body base64-encoded; curl's exit status kept. */
export function uriCommand(request: UriRequest): string {
  const options: string[] = ['-sS', '-X', request.method, '--max-time', String(request.timeout)];
  for (const [name, value] of Object.entries(request.headers)) options.push('-H', `${name}: ${value}`);
  if (request.body !== undefined) options.push('--data-binary', '@-');
  if (!request.validateCerts) options.push('-k');
  if (request.followRedirects) options.push('-L');
  return [
    'command -v curl > /dev/null || { echo "uri needs curl on the host" >&2; exit 127; }',
    't=$(mktemp -d) || exit 1',
    `${sh`curl ${options} -D "$t/h" -o "$t/b" -w '%{http_code}\\n%{url_effective}\\n' -- ${request.url}`}; rc=$?`,
    'if [ "$rc" -eq 0 ]; then base64 -w 0 "$t/h"; echo; base64 -w 0 "$t/b"; echo; fi',
    'rm -rf "$t"; exit "$rc"',
  ].join('\n');
}

export interface UriResponse {
  status: number;
  url: string;
  reason: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** curl's -w trailer (status, final url), then the head and body; the last head is the final response's. */
export function parseUriOutput(stdout: string): UriResponse {
  const [status = '0', url = '', head = '', body = ''] = stdout.split('\n');
  const blocks = Buffer.from(head, 'base64').toString('latin1').split(/\r?\n\r?\n/).filter((block) => block.trim() !== '');
  const lines = (blocks[blocks.length - 1] ?? '').split(/\r?\n/);
  const reason = /^HTTP\/\S+\s+\d+\s*(.*)$/.exec(lines[0] ?? '')?.[1] ?? '';
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase().replace(/-/g, '_')] = line.slice(colon + 1).trim();
  }
  return { status: Number(status), url, reason, headers, body: Buffer.from(body, 'base64') };
}

function statusCodes(value: unknown): number[] {
  if (value === undefined || value === null) return [200];
  const list = Array.isArray(value) ? value : String(value).split(',');
  return list.map((code) => {
    const number = Number(String(code).trim());
    if (!Number.isInteger(number)) throw new ModuleArgError('uri', `'status_code' must be status numbers, got ${JSON.stringify(code)}`);
    return number;
  });
}

function requestBody(args: Record<string, unknown>, headers: Record<string, string>): string | undefined {
  const body = args['body'];
  if (body === undefined || body === null) return undefined;
  const format = optionalString('uri', args, 'body_format') ?? 'raw';
  const setType = (type: string): void => {
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = type;
  };
  if (format === 'json') {
    setType('application/json');
    return typeof body === 'string' ? body : JSON.stringify(body);
  }
  if (format === 'form-urlencoded') {
    setType('application/x-www-form-urlencoded');
    if (typeof body === 'string') return body;
    if (typeof body !== 'object') throw new ModuleArgError('uri', "a form-urlencoded 'body' must be a mapping or a string");
    return new URLSearchParams(Object.entries(body as Record<string, unknown>).map(([key, value]): [string, string] => [key, String(value)])).toString();
  }
  if (format !== 'raw') throw new ModuleArgError('uri', `'body_format' must be one of raw, json, form-urlencoded, got '${format}'`);
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export function uriRequest(args: Record<string, unknown>): UriRequest {
  const url = requireString('uri', args, 'url');
  if (!/^https?:\/\//i.test(url)) throw new ModuleArgError('uri', `'url' must be an http:// or https:// URL, got '${url}'`);
  const method = (optionalString('uri', args, 'method') ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new ModuleArgError('uri', `'method' must be an HTTP method such as GET or POST, got '${method}'`);
  const rawHeaders = args['headers'] ?? {};
  if (typeof rawHeaders !== 'object' || rawHeaders === null || Array.isArray(rawHeaders)) throw new ModuleArgError('uri', "'headers' must be a mapping");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders as Record<string, unknown>)) {
    if (/[\r\n:]/.test(name) || /[\r\n]/.test(String(value))) throw new ModuleArgError('uri', `header '${name}' must not contain line breaks (or a colon in its name)`);
    headers[name] = String(value);
  }
  const body = requestBody(args, headers);
  const followRedirects = optionalString('uri', args, 'follow_redirects') ?? 'safe';
  return {
    url, method, headers, body,
    timeout: optionalNumber('uri', args, 'timeout', 30),
    validateCerts: optionalBool('uri', args, 'validate_certs', true),
    followRedirects: followRedirects === 'all' || followRedirects === 'yes' || (followRedirects === 'safe' && (method === 'GET' || method === 'HEAD')),
  };
}

/** The module's result from the response, Ansible's keys and messages. */
export function uriResult(response: UriResponse, expected: number[], returnContent: boolean): ModuleResult {
  const length = response.headers['content_length'] ?? 'unknown';
  const data: Record<string, unknown> = {
    ...response.headers, status: response.status, url: response.url, redirected: false, cookies: {}, cookies_string: '', elapsed: 0,
  };
  const text = response.body.toString('utf8');
  if (returnContent) {
    data['content'] = text;
    if (/json/.test(response.headers['content_type'] ?? '')) {
      try {
        data['json'] = JSON.parse(text) as unknown;
      } catch {
        // not JSON after all: the content is still there
      }
    }
  }
  // urllib's words: an error status is "HTTP Error N: reason" even when it was expected
  const msg = response.status >= 400 ? `HTTP Error ${response.status}: ${response.reason}` : `OK (${length} bytes)`;
  if (!expected.includes(response.status)) return { changed: false, failed: true, msg: `Status code was ${response.status} and not [${expected.join(', ')}]: ${msg}`, data };
  return { changed: false, msg, data };
}

export const uriModule: ModuleDefinition = {
  name: 'uri',
  argsSchema: {
    type: 'object',
    properties: {
      url: { type: 'string' }, method: { type: 'string' }, body: {}, body_format: { enum: ['raw', 'json', 'form-urlencoded'] },
      headers: { type: 'object' }, status_code: { type: ['array', 'integer', 'string'] }, return_content: { type: ['boolean', 'string'] },
      timeout: { type: ['integer', 'string'] }, validate_certs: { type: ['boolean', 'string'] }, follow_redirects: { type: ['string', 'boolean'] },
    },
    required: ['url'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const request = uriRequest(args);
      const expected = statusCodes(args['status_code']);
      const returnContent = optionalBool('uri', args, 'return_content', false);
      // Ansible's uri has no check mode: it is skipped, as ansible-playbook --check skips it
      if (ctx.check) return { changed: false, skipped: true, msg: 'remote module (uri) does not support check mode' };
      const result = await exec(ctx, uriCommand(request), request.body === undefined ? {} : { stdin: request.body });
      if (result.rc !== 0) {
        const why = result.stderr.trim().replace(/^curl: \(\d+\)\s*/, '');
        return { changed: false, failed: true, msg: `Status code was -1 and not [${expected.join(', ')}]: Request failed: ${why}`, data: { status: -1, url: request.url } };
      }
      return uriResult(parseUriOutput(result.stdout), expected, returnContent);
    }),
};
