// uri: the exact command (curl from the host, every value quoted, the body on stdin), the response read back as
// data, and Ansible's result keys and messages.
import { expect } from 'chai';
import { parseUriOutput, uriCommand, uriModule, uriRequest, uriResult } from '../../../src/modules/uri.js';
import { FakeConnection, fakeContext } from './fake-connection.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('uri', () => {
  it('sends one command: curl with quoted values, the JSON body on stdin', async () => {
    const request = uriRequest({ url: "http://10.0.0.5/x?a=1&b=$(id)'", method: 'post', body: { a: 1 }, body_format: 'json', headers: { 'X-Token': "t'1" }, timeout: 5 });
    const command = uriCommand(request);
    expect(command).to.equal([
      'command -v curl > /dev/null || { echo "uri needs curl on the host" >&2; exit 127; }',
      't=$(mktemp -d) || exit 1',
      `curl -sS -X POST --max-time 5 -H 'X-Token: t'"'"'1' -H 'Content-Type: application/json' --data-binary @- -D "$t/h" -o "$t/b" -w '%{http_code}\\n%{url_effective}\\n' -- 'http://10.0.0.5/x?a=1&b=$(id)'"'"''; rc=$?`,
      'if [ "$rc" -eq 0 ]; then base64 -w 0 "$t/h"; echo; base64 -w 0 "$t/b"; echo; fi',
      'rm -rf "$t"; exit "$rc"',
    ].join('\n'));
    const head = 'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n';
    const conn = new FakeConnection([{ command, result: { stdout: `200\nhttp://10.0.0.5/x\n${b64(head)}\n${b64('{"ok": 1}')}\n` } }]);
    const result = await uriModule.run({ url: "http://10.0.0.5/x?a=1&b=$(id)'", method: 'post', body: { a: 1 }, body_format: 'json', headers: { 'X-Token': "t'1" }, timeout: 5, return_content: true }, fakeContext(conn));
    expect(conn.execs[0]?.options?.stdin).to.equal('{"a":1}');
    expect(result).to.deep.include({ changed: false, msg: 'OK (9 bytes)' });
    expect(result.data).to.deep.include({ status: 200, content_type: 'application/json', content_length: '9', content: '{"ok": 1}', json: { ok: 1 } });
  });

  it('the last response of a redirect chain counts; an unexpected status fails with Ansible\'s message; content is data', () => {
    const head = 'HTTP/1.1 301 Moved\r\nLocation: /b\r\n\r\nHTTP/1.1 404 File not found\r\nContent-Length: 3\r\n\r\n';
    const response = parseUriOutput(`404\nhttp://h/b\n${b64(head)}\n${b64('{{ x }}')}\n`);
    expect(response).to.deep.include({ status: 404, url: 'http://h/b', reason: 'File not found' });
    const failed = uriResult(response, [200], true);
    expect(failed).to.deep.include({ failed: true, msg: 'Status code was 404 and not [200]: HTTP Error 404: File not found' });
    expect(failed.data?.['content']).to.equal('{{ x }}');
    expect(uriResult(response, [404, 200], false)).to.deep.include({ msg: 'HTTP Error 404: File not found' });
  });

  it('refuses what it cannot send safely; check mode skips it as Ansible does', async () => {
    expect(() => uriRequest({ url: 'file:///etc/passwd' })).to.throw("'url' must be an http:// or https:// URL");
    expect(() => uriRequest({ url: 'http://h/', headers: { 'X-A': 'a\r\nX-B: b' } })).to.throw('must not contain line breaks');
    expect(() => uriRequest({ url: 'http://h/', method: 'GET -o /etc/x' })).to.throw("'method' must be an HTTP method");
    expect(await uriModule.run({ url: 'http://h/' }, fakeContext(new FakeConnection(), { check: true }))).to.deep.include({ skipped: true });
  });
});
