import { expect } from 'chai';
import { validateModuleArgs } from '../../../src/executor/args.js';
import { copyModule } from '../../../src/modules/copy.js';
import { lxdContainerModule } from '../../../src/modules/lxd_container.js';

describe('module arguments after templating', () => {
  it('converts a templated number to the string a module declares, as Ansible argument specs do', () => {
    const args: Record<string, unknown> = { content: 14, dest: '/srv/x' };
    expect(validateModuleArgs(copyModule, args)).to.equal(undefined);
    expect(args['content']).to.equal('14');
  });

  it('still refuses what cannot be converted, naming the argument', () => {
    expect(validateModuleArgs(copyModule, { content: ['a'], dest: '/srv/x' })).to.match(/argument 'content' must be string/);
    expect(validateModuleArgs(lxdContainerModule, { name: 'c1', colour: 'red' })).to.equal("unsupported argument 'colour'");
  });
});
