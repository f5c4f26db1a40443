import { expect } from 'chai';
import { formatEnvelope, formatInlineVault, isVaulted, parseEnvelope } from '../../../src/vault/format.js';
import { InputError } from '../../../src/util/errors.js';

describe('vault envelope', () => {
  const body = 'ab'.repeat(100);

  it('writes 1.1 without a vault id or with the id "default", 1.2 with any other id', () => {
    expect(formatEnvelope(body).split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.1;AES256');
    expect(formatEnvelope(body, 'default').split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.1;AES256');
    expect(formatEnvelope(body, 'prod').split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;prod');
  });

  it('cuts the body into lines of 80 characters and ends with a newline', () => {
    const lines = formatEnvelope(body).split('\n');
    expect(lines.slice(1, -1).map((line) => line.length)).to.deep.equal([80, 80, 40]);
    expect(lines[lines.length - 1]).to.equal('');
  });

  it('reads back what it writes, the id included', () => {
    expect(parseEnvelope(formatEnvelope(body, 'prod'), 'f')).to.deep.equal({ version: '1.2', cipher: 'AES256', vaultId: 'prod', body });
    expect(parseEnvelope(formatEnvelope(body), 'f').vaultId).to.equal(undefined);
  });

  it('reads CRLF files and stripped header fields, as Ansible does', () => {
    const text = `$ANSIBLE_VAULT;1.2 ; AES256 ; dev \r\n${body.slice(0, 80)}\r\n${body.slice(80)}\r\n`;
    expect(parseEnvelope(text, 'f')).to.deep.equal({ version: '1.2', cipher: 'AES256', vaultId: 'dev', body });
  });

  it('refuses another cipher and a header without one, naming the file', () => {
    expect(() => parseEnvelope('$ANSIBLE_VAULT;1.1;AES\nabcd\n', 'secrets.yml')).to.throw(InputError, /^secrets\.yml: vault cipher AES is not supported/);
    expect(() => parseEnvelope('$ANSIBLE_VAULT;1.1\nabcd\n', 'secrets.yml')).to.throw(InputError, /^secrets\.yml: vault envelope format error/);
  });

  it('recognises vaulted data only by the header at the very start', () => {
    expect(isVaulted('$ANSIBLE_VAULT;1.1;AES256\n00')).to.equal(true);
    expect(isVaulted(Buffer.from('$ANSIBLE_VAULT;1.1;AES256\n00'))).to.equal(true);
    expect(isVaulted(' $ANSIBLE_VAULT;1.1;AES256')).to.equal(false);
    expect(isVaulted('a: 1')).to.equal(false);
  });

  it('formats encrypt_string output: name, !vault |, 10-space indent, no final newline', () => {
    const envelope = formatEnvelope('cd'.repeat(50), 'dev');
    expect(formatInlineVault(envelope, 'db_pass')).to.equal(
      ['db_pass: !vault |', '          $ANSIBLE_VAULT;1.2;AES256;dev', `          ${'cd'.repeat(40)}`, `          ${'cd'.repeat(10)}`].join('\n'),
    );
    expect(formatInlineVault(envelope).split('\n')[0]).to.equal('!vault |');
  });
});
