// ansible.cfg parsing checked against Python's configparser configured as Ansible configures it.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { iniValue, parseIni } from '../../../src/config/ini.js';
import { InputError } from '../../../src/util/errors.js';

/** section -> key -> raw value, from configparser.ConfigParser(inline_comment_prefixes=(';',)).get(raw=True). */
function pythonConfigparser(text: string): Record<string, Record<string, string>> {
  const script = [
    'import configparser, json, sys',
    "p = configparser.ConfigParser(inline_comment_prefixes=(';',))",
    'p.read_string(sys.stdin.read())',
    'print(json.dumps({s: {k: p.get(s, k, raw=True) for k in p.options(s)} for s in p.sections()}))',
  ].join('\n');
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })) as Record<string, Record<string, string>>;
}

function ours(text: string): Record<string, Record<string, string>> {
  const ini = parseIni(text, 'ansible.cfg');
  const out: Record<string, Record<string, string>> = {};
  const defaults = ini.sections.get('DEFAULT') ?? new Map();
  for (const [section, entries] of ini.sections) {
    if (section === 'DEFAULT') continue;
    const keys = new Set([...entries.keys(), ...defaults.keys()]);
    out[section] = Object.fromEntries([...keys].map((key) => [key, iniValue(ini, section, key)?.value as string]));
  }
  return out;
}

describe('ansible.cfg INI parsing (configparser as Ansible uses it)', function () {
  this.timeout(30_000);

  it('reads keys, values, comments, continuations and [DEFAULT] exactly as configparser does', () => {
    const text = [
      '# a comment',
      '; another comment',
      '[DEFAULT]',
      'shared = from-default',
      '[defaults]',
      'inventory = ./hosts ; an inline comment',
      'Remote_User: admin',
      'ssh_note = keep # this is not a comment',
      'semi = a;b',
      'roles_path = roles:',
      '    more/roles',
      '',
      '    after-blank',
      'interpolation = %(home)s/x',
      'empty =',
      '  # indented comment',
      '[privilege_escalation]',
      'become=yes',
      'shared = own',
    ].join('\n');
    expect(ours(text)).to.deep.equal(pythonConfigparser(text));
  });

  it('keeps the line of every key for warnings', () => {
    const ini = parseIni('[defaults]\n\nforks = 3\n', '/p/ansible.cfg');
    expect(iniValue(ini, 'defaults', 'forks')).to.deep.equal({ value: '3', line: 3 });
  });

  it('refuses what configparser refuses, naming file and line', () => {
    expect(() => parseIni('forks = 3\n', 'a.cfg')).to.throw(InputError, /^a\.cfg:1: 'forks = 3' comes before any \[section\] header/);
    expect(() => parseIni('[defaults]\nforks = 3\nforks = 4\n', 'a.cfg')).to.throw(InputError, /^a\.cfg:3: option 'forks' appears twice/);
    expect(() => parseIni('[defaults]\n[defaults]\n', 'a.cfg')).to.throw(InputError, /^a\.cfg:2: section \[defaults\] appears twice/);
    expect(() => parseIni('[defaults]\njust words\n', 'a.cfg')).to.throw(InputError, /^a\.cfg:2: 'just words' is not 'key = value'/);
    for (const bad of ['forks = 3\n', '[defaults]\nforks = 3\nforks = 4\n', '[defaults]\n[defaults]\n', '[defaults]\njust words\n']) {
      expect(() => pythonConfigparser(bad), bad).to.throw();
    }
  });
});
