// Bad inventories stop with an InputError that says where (file:line:column) and what was expected.
import { expect } from 'chai';
import { loadInventory } from '../../../src/inventory/load.js';
import { InputError } from '../../../src/util/errors.js';
import { writeTree } from './helpers.js';

async function errorOf(files: Record<string, string>, source: string): Promise<InputError> {
  const tree = writeTree(files);
  try {
    await loadInventory([tree.path(source)]);
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    const inputError = error as InputError;
    // tests compare messages without the temporary directory
    Object.defineProperty(inputError, 'message', { value: inputError.message.split(`${tree.dir}/`).join('') });
    return inputError;
  } finally {
    tree.remove();
  }
  throw new Error('expected loadInventory to fail');
}

describe('inventory: errors name file, line, column and the cause', () => {
  const cases: Array<{ what: string; files: Record<string, string>; source: string; message: string }> = [
    { what: 'hosts written as a list', files: { 'h.yml': 'web:\n  hosts:\n    - a\n' }, source: 'h.yml', message: "h.yml:3:5: hosts of group 'web' must be a mapping, got a list" },
    { what: 'vars written as a list', files: { 'h.yml': 'web:\n  vars:\n    - a: 1\n' }, source: 'h.yml', message: "h.yml:3:5: vars of group 'web' must be a mapping, got a list" },
    { what: 'a group that is a string', files: { 'h.yml': 'web: db1\n' }, source: 'h.yml', message: "h.yml:1:6: group 'web' must be a mapping with hosts, vars or children, got a string ('db1')" },
    { what: 'an unknown key in a group (typo)', files: { 'h.yml': 'web:\n  host:\n    a:\n' }, source: 'h.yml', message: `h.yml:2:3: unexpected key "host" in group 'web': only hosts, vars and children are valid` },
    { what: 'a duplicate key', files: { 'h.yml': 'web:\n  hosts:\n    a:\n    a:\n' }, source: 'h.yml', message: 'h.yml:4:5: invalid YAML: duplicate key' },
    { what: 'a YAML syntax error', files: { 'h.yml': 'web:\n  hosts: [a\n' }, source: 'h.yml', message: 'h.yml:' },
    { what: 'a bad range in YAML', files: { 'h.yml': 'web:\n  hosts:\n    web[01:3]:\n' }, source: 'h.yml', message: "h.yml:3:5: bad host range 'web[01:3]': host range must specify equal-length begin and end formats" },
    { what: 'host vars that are not a mapping', files: { 'h.yml': 'web:\n  hosts:\n    a: 5\n' }, source: 'h.yml', message: "h.yml:3:8: variables of host 'a' in group 'web' must be a mapping, got a number (5)" },
    { what: 'a numeric host name', files: { 'h.yml': 'web:\n  hosts:\n    123:\n' }, source: 'h.yml', message: 'h.yml:3:5: host pattern 123' },
    { what: 'a group loop', files: { 'h.yml': 'a:\n  children:\n    b:\n      children:\n        a:\n' }, source: 'h.yml', message: "h.yml:3:5: adding group 'b' as a child of 'a' creates a loop" },
    { what: 'a plugin config', files: { 'h.yml': 'plugin: aws_ec2\n' }, source: 'h.yml', message: 'h.yml:1:1: this is an inventory plugin configuration' },
    { what: 'an empty YAML inventory', files: { 'h.yml': '# nothing\n' }, source: 'h.yml', message: 'h.yml:1:1: the YAML inventory is empty' },
    { what: 'an INI bad range', files: { 'h': '[web]\n  web[5:1]\n' }, source: 'h', message: "h:2:3: bad host range 'web[5:1]'" },
    { what: 'an INI host var without =', files: { 'h': '[web]\nweb1 a=1 oops\n' }, source: 'h', message: 'h:2:10: expected key=value host variable assignment, got: oops' },
    { what: 'an INI unknown section type', files: { 'h': '[web:hostz]\n' }, source: 'h', message: "h:1:1: section [web:hostz] has unknown type 'hostz'" },
    { what: 'INI vars for an undefined group', files: { 'h': '[ghost:vars]\nx=1\n' }, source: 'h', message: "h:1:1: section [ghost:vars] is for group 'ghost'" },
    { what: 'INI children naming an undefined group', files: { 'h': '[a:children]\nb\n' }, source: 'h', message: "h:2:1: section [a:children] includes undefined group 'b'" },
    { what: 'INI vars line without =', files: { 'h': '[a]\nx\n[a:vars]\njust_a_word\n' }, source: 'h', message: 'h:4:1: expected key=value in [a:vars], got: just_a_word' },
    { what: 'INI unclosed quote', files: { 'h': '[a]\nx v="oops\n' }, source: 'h', message: 'h:2:1: cannot parse host definition' },
    { what: 'a space in a section', files: { 'h': '[a b]\n' }, source: 'h', message: "h:1:1: invalid section entry '[a b]'" },
    { what: 'a group_vars file that is a list', files: { 'h.yml': 'web:\n  hosts: {a: }\n', 'group_vars/web.yml': '- x\n' }, source: 'h.yml', message: 'group_vars/web.yml:1:1: a vars file must be a mapping' },
    { what: 'a bad ansible_group_priority', files: { 'h.yml': 'web:\n  vars: {ansible_group_priority: high}\n' }, source: 'h.yml', message: "h.yml:2:9: ansible_group_priority of group 'web' must be an integer" },
    { what: 'a missing source', files: {}, source: 'nope.yml', message: 'nope.yml does not exist' },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      expect((await errorOf(c.files, c.source)).message).to.contain(c.message);
    });
  }

  it('warns (as ansible does) about group names templates cannot use, without failing', async () => {
    const tree = writeTree({ h: '[web-servers]\na\n' });
    try {
      const inventory = await loadInventory([tree.path('h')]);
      expect(inventory.groups.has('web-servers')).to.equal(true);
      expect(inventory.warnings.join('\n')).to.contain("group name 'web-servers' is not a valid identifier");
    } finally {
      tree.remove();
    }
  });

  it('rejects host names no pattern could ever select', async () => {
    expect((await errorOf({ 'h.yml': 'web:\n  hosts:\n    "a b":\n' }, 'h.yml')).message).to.contain('h.yml:3:5: host name "a b" contains whitespace');
  });
});
