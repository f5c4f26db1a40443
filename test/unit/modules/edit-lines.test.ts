// lineinfile's edit as a pure function: Ansible's documented behaviours, table-driven.
import { expect } from 'chai';
import { editLines, type LineSpec } from '../../../src/modules/lineinfile.js';

const spec = (overrides: Partial<LineSpec>): LineSpec => ({ state: 'present', backrefs: false, firstmatch: false, ...overrides });

describe('lineinfile edits', () => {
  const cases: Array<[string, string, Partial<LineSpec>, string, boolean]> = [
    ['appends a missing line', 'a\nb\n', { line: 'c' }, 'a\nb\nc\n', true],
    ['adds the newline the last line lacked', 'a', { line: 'c' }, 'a\nc\n', true],
    ['leaves a present line alone', 'a\nc\n', { line: 'c' }, 'a\nc\n', false],
    ['replaces the LAST regexp match', 'x=1\ny\nx=2\n', { regexp: '^x=', line: 'x=9' }, 'x=1\ny\nx=9\n', true],
    ['firstmatch replaces the first', 'x=1\nx=2\n', { regexp: '^x=', line: 'x=9', firstmatch: true }, 'x=9\nx=2\n', true],
    ['regexp matching the wanted line is idempotent', 'x=9\n', { regexp: '^x=', line: 'x=9' }, 'x=9\n', false],
    ['insertafter regexp', 'a\nb\n', { line: 'n', insertafter: '^a' }, 'a\nn\nb\n', true],
    ['insertbefore regexp', 'a\nb\n', { line: 'n', insertbefore: '^b' }, 'a\nn\nb\n', true],
    ['insertbefore BOF', 'a\n', { line: 'n', insertbefore: 'BOF' }, 'n\na\n', true],
    ['insertafter with no match goes to EOF', 'a\n', { line: 'n', insertafter: '^zzz' }, 'a\nn\n', true],
    ['backrefs expand groups', 'port = 22\n', { regexp: '^port = (\\d+)', line: 'port = \\1 # ssh', backrefs: true }, 'port = 22 # ssh\n', true],
    ['backrefs without a match change nothing', 'a\n', { regexp: '^port', line: 'x', backrefs: true }, 'a\n', false],
    ['absent by regexp removes every match', 'a\n#x\nb\n#y\n', { state: 'absent', regexp: '^#' }, 'a\nb\n', true],
    ['absent by line', 'a\nb\n', { state: 'absent', line: 'b' }, 'a\n', true],
    ['keeps CRLF endings of replaced lines', 'x=1\r\ny\r\n', { regexp: '^x=', line: 'x=2' }, 'x=2\r\ny\r\n', true],
    ['creates content for an empty file', '', { line: 'first' }, 'first\n', true],
  ];
  for (const [name, before, overrides, after, changed] of cases) {
    it(name, () => {
      const edit = editLines(before, spec(overrides));
      expect(edit.content).to.equal(after);
      expect(edit.changed).to.equal(changed);
    });
  }
});
