// Ansible wraps its [WARNING] lines with Python's textwrap at 79 columns; wrapText does the same.
import { expect } from 'chai';
import { wrapText } from '../../../src/report/format.js';

describe('wrapText (textwrap.wrap)', () => {
  it('breaks between words at the width, keeps an over-long word whole, folds runs of whitespace', () => {
    expect(wrapText("[WARNING]: Skipped '/tmp/mods-warn/nope' path due to this access issue: '/tmp/mods-warn/nope' is not a directory", 79))
      .to.equal("[WARNING]: Skipped '/tmp/mods-warn/nope' path due to this access issue:\n'/tmp/mods-warn/nope' is not a directory");
    expect(wrapText('aaaa bbbb cccc', 9)).to.equal('aaaa bbbb\ncccc');
    expect(wrapText('x averyveryverylongword y', 5)).to.equal('x\naveryveryverylongword\ny');
    expect(wrapText('a  b\n c', 79)).to.equal('a b c');
  });
});
