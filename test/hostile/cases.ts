// The hostile and malformed inputs of issue 18, as data: what the scratch directory holds, the command line, and
// what must come back (exit code, a fragment of stderr). Every case also must not hang, exhaust memory, print a
// stack trace or a library's internal text (checked for all cases in hostile.test.ts).
// `{dir}` in an argument is the case's scratch directory (its working directory too).

export type CaseFile = string | { bytes: string } | { symlink: string } | { fifo: true } | { dir: true };

export interface HostileCase {
  /** the class of issue 18 it belongs to */
  kind: 'special file' | 'size' | 'yaml' | 'encoding' | 'inventory' | 'playbook' | 'load-time check' | 'bundle' | 'usage';
  name: string;
  files?: Record<string, CaseFile>;
  args: string[];
  env?: Record<string, string>;
  code: number;
  /** stderr must contain each of these */
  stderr: Array<string | RegExp>;
  /** output must contain none of these (beyond the universal checks) */
  forbid?: Array<string | RegExp>;
  limits?: { wallMs?: number; heapMb?: number; rssMb?: number };
}

const PLAY = '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n';
const INVENTORY = 'all:\n  hosts:\n    web1:\n      ansible_connection: local\n';

function playWithVars(vars: string): string {
  return `- hosts: all\n  gather_facts: false\n  vars:\n${vars}  tasks:\n    - debug: msg=hi\n`;
}

/** The "billion laughs": 9 anchors, each a list of 9 aliases of the one before (9^9 strings once expanded). */
function aliasBomb(indent: string): string {
  const lines = [`${indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i <= 9; i += 1) lines.push(`${indent}l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

const deepFlow = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepBlock = (levels: number): string => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' end\n';
const task = (body: string): string => `- hosts: all\n  gather_facts: false\n  tasks:\n${body}`;

export const CASES: HostileCase[] = [
  // 1. special files: refused at once, never read
  { kind: 'special file', name: '-i /dev/zero', args: ['run', 'play.yml', '-i', '/dev/zero', '--list-hosts'], files: { 'play.yml': PLAY }, code: 1, stderr: ['/dev/zero', 'is a character device'] },
  { kind: 'special file', name: '-e @/dev/zero', args: ['run', 'play.yml', '-i', 'inv.yml', '--list-hosts', '-e', '@/dev/zero'], files: { 'play.yml': PLAY, 'inv.yml': INVENTORY }, code: 1, stderr: ['/dev/zero', 'is a character device'] },
  { kind: 'special file', name: 'a FIFO as the playbook', args: ['run', 'fifo.yml', '--syntax-check'], files: { 'fifo.yml': { fifo: true } }, code: 1, stderr: ['fifo.yml', 'is a FIFO'] },
  { kind: 'special file', name: 'a FIFO as -e @file', args: ['run', 'play.yml', '-i', 'inv.yml', '--list-hosts', '-e', '@vars.fifo'], files: { 'play.yml': PLAY, 'inv.yml': INVENTORY, 'vars.fifo': { fifo: true } }, code: 1, stderr: ['vars.fifo', 'is a FIFO'] },
  { kind: 'special file', name: 'a FIFO as a group_vars file', args: ['inventory', '-i', 'inv.yml', '--list'], files: { 'inv.yml': INVENTORY, 'group_vars/all.yml': { fifo: true } }, code: 1, stderr: ['group_vars/all.yml', 'is a FIFO'] },
  { kind: 'special file', name: 'a FIFO as the inventory', args: ['inventory', '-i', 'inv.fifo', '--list'], files: { 'inv.fifo': { fifo: true } }, code: 1, stderr: ['inv.fifo', 'is a FIFO'] },
  { kind: 'special file', name: 'a FIFO as --limit @file', args: ['run', 'play.yml', '-i', 'inv.yml', '--list-hosts', '--limit', '@hosts.fifo'], files: { 'play.yml': PLAY, 'inv.yml': INVENTORY, 'hosts.fifo': { fifo: true } }, code: 1, stderr: ['hosts.fifo', 'is a FIFO'] },
  { kind: 'special file', name: 'a directory as the playbook (no EISDIR)', args: ['run', 'sub', '--syntax-check'], files: { sub: { dir: true } }, code: 1, stderr: ['sub', 'is a directory'], forbid: ['EISDIR'] },
  { kind: 'special file', name: 'a FIFO as a role task file', args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': '- hosts: all\n  roles: [web]\n', 'roles/web/tasks/main.yml': { fifo: true } }, code: 1, stderr: ['main.yml', 'is a FIFO'] },

  // size limit
  { kind: 'size', name: 'a playbook over AIRLOCK_MAX_FILE_BYTES', args: ['run', 'play.yml', '--syntax-check'], env: { AIRLOCK_MAX_FILE_BYTES: '1000' }, files: { 'play.yml': playWithVars('    pad: "' + 'x'.repeat(2000) + '"\n') }, code: 1, stderr: ['play.yml', 'larger than allowed', 'AIRLOCK_MAX_FILE_BYTES'] },
  { kind: 'size', name: 'a limit that is not a number', args: ['run', 'play.yml', '--syntax-check'], env: { AIRLOCK_MAX_FILE_BYTES: 'lots' }, files: { 'play.yml': PLAY }, code: 1, stderr: ['AIRLOCK_MAX_FILE_BYTES must be a positive integer'] },

  // 2. YAML: alias bombs, nesting, tags, duplicates
  { kind: 'yaml', name: 'alias bomb in a playbook', args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': playWithVars(aliasBomb('    ')) }, code: 1, stderr: [/play\.yml:\d+:\d+: YAML aliases expand/, 'AIRLOCK_MAX_YAML_ALIAS_NODES'], forbid: ['Excessive alias count'] },
  { kind: 'yaml', name: 'alias bomb in -e @file', args: ['run', 'play.yml', '-i', 'inv.yml', '--list-hosts', '-e', '@bomb.yml'], files: { 'play.yml': PLAY, 'inv.yml': INVENTORY, 'bomb.yml': aliasBomb('') }, code: 1, stderr: [/bomb\.yml:\d+:\d+: YAML aliases expand/] },
  { kind: 'yaml', name: 'alias bomb in an inventory', args: ['inventory', '-i', 'inv.yml', '--list'], files: { 'inv.yml': `all:\n  hosts:\n    web1:\n  vars:\n${aliasBomb('    ')}` }, code: 1, stderr: [/inv\.yml:\d+:\d+: YAML aliases expand/] },
  { kind: 'yaml', name: 'merge-key bomb (<<: *a) in group_vars', args: ['inventory', '-i', 'inv.yml', '--list'], files: { 'inv.yml': INVENTORY, 'group_vars/all.yml': 'a0: &a0 {k0: 1, k1: 2, k2: 3, k3: 4, k4: 5, k5: 6, k6: 7, k7: 8, k8: 9, k9: 0}\n' + Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array.from({ length: 10 }, () => `*a${i}`).join(', ')}]`).join('\n') + '\n' }, code: 1, stderr: [/all\.yml:\d+:\d+: YAML aliases expand/] },
  { kind: 'yaml', name: '5,000-level flow nesting in a playbook', args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': playWithVars(`    deep: ${deepFlow(5000)}\n`) }, code: 1, stderr: [/play\.yml:\d+:\d+: YAML nested deeper than allowed/, 'AIRLOCK_MAX_YAML_DEPTH'], forbid: ['Maximum call stack'] },
  { kind: 'yaml', name: '5,000-level block nesting in an inventory', args: ['inventory', '-i', 'inv.yml', '--list'], files: { 'inv.yml': `all:\n  vars:\n${deepBlock(5000).replace(/^/gm, '    ')}` }, code: 1, stderr: [/inv\.yml:\d+:\d+: YAML nested deeper/], forbid: ['Maximum call stack'] },
  { kind: 'yaml', name: '20,000-level JSON nesting in -e', args: ['run', 'play.yml', '-i', 'inv.yml', '--list-hosts', '-e', `{"a": ${deepFlow(20_000)}}`], files: { 'play.yml': PLAY, 'inv.yml': INVENTORY }, code: 1, stderr: ['YAML nested deeper'], forbid: ['Maximum call stack'] },
  { kind: 'yaml', name: 'a nesting limit raised by AIRLOCK_MAX_YAML_DEPTH', args: ['run', 'play.yml', '--syntax-check'], env: { AIRLOCK_MAX_YAML_DEPTH: '300' }, files: { 'play.yml': playWithVars(`    deep: ${deepFlow(250)}\n`) }, code: 0, stderr: [] },
  { kind: 'yaml', name: '!!python/object/apply in a playbook', args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': playWithVars('    x: !!python/object/apply:os.system ["touch pwned"]\n') }, code: 1, stderr: ["play.yml:4:8: invalid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"] },
  { kind: 'yaml', name: 'an unregistered tag in an inventory', args: ['inventory', '-i', 'inv.yml', '--list'], files: { 'inv.yml': 'all:\n  hosts:\n    web1:\n      x: !foo bar\n' }, code: 1, stderr: ["inv.yml:4:10: invalid YAML: could not determine a constructor for the tag '!foo'"] },
  { kind: 'yaml', name: '!!python/name in -e @file', args: ['run', 'play.yml', '-i', 'inv.yml', '--list-hosts', '-e', '@vars.yml'], files: { 'play.yml': PLAY, 'inv.yml': INVENTORY, 'vars.yml': 'x: !!python/name:os.system\n' }, code: 1, stderr: ['vars.yml:1:4', 'could not determine a constructor'] },
  { kind: 'yaml', name: 'duplicate keys in a playbook: Ansible\'s warning, the last value wins', args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': playWithVars('    x: 1\n    x: 2\n') }, code: 0, stderr: ['[WARNING]: While constructing a mapping from', 'line 4, column 5, found a duplicate dict key (x). Using last defined value only.'] },
  { kind: 'yaml', name: 'duplicate keys in an inventory: an error with the place', args: ['inventory', '-i', 'inv.yml', '--list'], files: { 'inv.yml': 'all:\n  hosts:\n    web1:\n    web1:\n' }, code: 1, stderr: ["inv.yml:4:5: invalid YAML: duplicate key 'web1'"] },
  { kind: 'yaml', name: 'two documents in one playbook', args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': `${PLAY}---\n${PLAY}` }, code: 1, stderr: [/play\.yml:5:1: invalid YAML: the file holds more than one document/] },

  // encoding
  { kind: 'encoding', name: 'Latin-1 bytes in a playbook', args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': { bytes: playWithVars('    x: "caf\xe9"\n') } }, code: 1, stderr: ['play.yml:4:12: file is not valid UTF-8: byte 0xe9'] },
  { kind: 'encoding', name: 'Latin-1 bytes in an INI inventory', args: ['inventory', '-i', 'hosts', '--list'], files: { hosts: { bytes: '[web]\nweb1 owner=Ren\xe9\n' } }, code: 1, stderr: ['hosts:2:15: file is not valid UTF-8'] },

  // 3. inventory
  { kind: 'inventory', name: 'host range web[0:99999999] in YAML', args: ['inventory', '-i', 'inv.yml', '--list'], files: { 'inv.yml': 'all:\n  hosts:\n    web[0:99999999]:\n' }, code: 1, stderr: ["inv.yml:3:5: bad host range 'web[0:99999999]': stands for 100000000 hosts", 'AIRLOCK_MAX_HOST_RANGE'] },
  { kind: 'inventory', name: 'two multiplying host ranges in INI', args: ['inventory', '-i', 'hosts', '--list'], files: { hosts: '[web]\nweb[0:999]-[0:999]\n' }, code: 1, stderr: ['hosts:2:1: bad host range', 'stands for 1000000 hosts'] },
  { kind: 'inventory', name: 'a group_vars symlink loop', args: ['inventory', '-i', 'inv.yml', '--list'], files: { 'inv.yml': INVENTORY, 'group_vars/all.yml': { symlink: 'all.yml' } }, code: 1, stderr: ['group_vars/all.yml', 'symbolic link loop'] },
  { kind: 'inventory', name: 'a group_vars directory linked to its parent', args: ['inventory', '-i', 'inv.yml', '--list'], files: { 'inv.yml': INVENTORY, 'group_vars/all/a.yml': 'x: 1\n', 'group_vars/all/up': { symlink: '..' } }, code: 1, stderr: ['vars directory loop'] },

  // playbook references
  { kind: 'playbook', name: "a role path '../../etc'", args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': '- hosts: all\n  roles:\n    - ../../etc\n' }, code: 1, stderr: ["play.yml:3:7: role '../../etc': a role name may not climb out"] },
  { kind: 'playbook', name: '--start-at-task that matches nothing', args: ['run', 'play.yml', '-i', 'inv.yml', '--start-at-task', 'no such task'], files: { 'play.yml': PLAY, 'inv.yml': INVENTORY }, code: 1, stderr: ["--start-at-task 'no such task': no task of"] },
  { kind: 'playbook', name: 'notify naming a missing handler', args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': task('    - name: change\n      command: "true"\n      notify: restart nothing\n') }, code: 1, stderr: ["play.yml:4:7: The requested handler 'restart nothing' was not found"] },

  // load-time checks: exit 1 with the place, before anything runs
  { kind: 'load-time check', name: 'loop: 5', args: ['run', 'play.yml', '-i', 'inv.yml'], files: { 'play.yml': task('    - debug: msg=x\n      loop: 5\n'), 'inv.yml': INVENTORY }, code: 1, stderr: ["play.yml:5:13: invalid 'loop'"], forbid: ['TASK ['] },
  { kind: 'load-time check', name: "loop: over a plain string", args: ['run', 'play.yml', '--syntax-check'], files: { 'play.yml': task('    - debug: msg=x\n      loop: items\n') }, code: 1, stderr: ["play.yml:5:13: 'loop' needs a list"] },
  { kind: 'load-time check', name: 'a module argument of the wrong type', args: ['run', 'play.yml', '-i', 'inv.yml'], files: { 'play.yml': task('    - copy: {dest: /tmp/x, content: hi, mode: [1]}\n'), 'inv.yml': INVENTORY }, code: 1, stderr: [/play\.yml:4:\d+: invalid argument 'mode' for module 'copy'/], forbid: ['TASK ['] },
  { kind: 'load-time check', name: 'ProxyCommand that is not ssh -W', args: ['run', 'play.yml', '-i', 'inv.yml', '--output', 'plain'], files: { 'play.yml': PLAY, 'inv.yml': 'all:\n  hosts:\n    web1:\n      ansible_host: 192.0.2.10\n      ansible_ssh_common_args: -o ProxyCommand="nc %h %p"\n' }, code: 1, stderr: ['host web1: ansible_ssh_common_args: ProxyCommand "nc %h %p" is not supported'], forbid: ['PLAY ['] },
  { kind: 'load-time check', name: 'an unknown ansible_connection', args: ['run', 'play.yml', '-i', 'inv.yml', '--output', 'plain'], files: { 'play.yml': PLAY, 'inv.yml': 'all:\n  hosts:\n    web1:\n      ansible_connection: winrm\n' }, code: 1, stderr: ['host web1: ansible_connection "winrm" is not supported'], forbid: ['PLAY ['] },

  // 5. bundles
  { kind: 'bundle', name: 'a manifest linked to /etc/shadow', args: ['bundle', 'verify', 'b'], files: { 'b/manifest.json': { symlink: '/etc/shadow' } }, code: 1, stderr: ["the bundle holds a symbolic link, 'manifest.json'"], forbid: ['root:', '$y$', '$6$'] },
  { kind: 'bundle', name: 'a component linked out of the bundle', args: ['bundle', 'verify', 'b'], files: { 'b/manifest.json': '{}\n', 'b/misp.tar.gz': { symlink: '/etc/passwd' } }, code: 1, stderr: ["the bundle holds a symbolic link, 'misp.tar.gz'"], forbid: ['root:x:'] },
  { kind: 'bundle', name: 'a FIFO in a bundle', args: ['bundle', 'verify', 'b'], files: { 'b/manifest.json': '{}\n', 'b/img.tar.gz': { fifo: true } }, code: 1, stderr: ["the bundle holds a FIFO, 'img.tar.gz'"] },
  { kind: 'bundle', name: 'a manifest that is not JSON: a line, not an offset, and no content', args: ['bundle', 'verify', 'b'], files: { 'b/manifest.json': '{"format": 1,\n  "secret-looking": "hunter2",\n  "x": }\n' }, code: 1, stderr: ['manifest.json: not valid JSON at line 3, column 8'], forbid: ['hunter2', 'position'] },
  { kind: 'bundle', name: 'a .tar that is not a tar', args: ['bundle', 'verify', 'b.tar'], files: { 'b.tar': 'not a tar\n' }, code: 1, stderr: ['b.tar: cannot unpack bundle tar: This does not look like a tar archive'], forbid: ['Command failed', 'tar -xf'] },
  { kind: 'bundle', name: 'a signing key that is not a key', args: ['bundle', 'sign', 'b', '--key', 'key'], files: { 'b/manifest.json': '{}\n', key: 'not a key\n' }, code: 1, stderr: ['key: cannot use signing key: the file is not an ed25519 private key'], forbid: ['DECODER', 'error:1E08010C'] },

  // usage
  { kind: 'usage', name: 'a playbook that does not exist', args: ['run', 'nope.yml', '--syntax-check'], code: 1, stderr: ['nope.yml: playbook not found'] },
];
