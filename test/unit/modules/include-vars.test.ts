// include_vars reads controller files: what it returns (the variables, the files it read, in Ansible's order) and
// how it refuses bad arguments. Precedence and output against ansible-playbook: test/integration/run/include-vars-parity.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesInDir, includeVarsModule } from '../../../src/modules/include_vars.js';
import { FakeConnection, fakeContext } from './fake-connection.js';

describe('include_vars', () => {
  let dir: string;
  const ctx = () => fakeContext(new FakeConnection(), { findFile: (path) => join(dir, path) });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-include-vars-'));
    mkdirSync(join(dir, 'conf.d', 'b-sub'), { recursive: true });
    mkdirSync(join(dir, 'conf.d', 'a-sub'));
    writeFileSync(join(dir, 'main.yml'), 'a: 1\nb: "{{ a }}"\n');
    writeFileSync(join(dir, 'list.yml'), '- 1\n');
    writeFileSync(join(dir, 'conf.d', '20.yml'), 'shared: twenty\n');
    writeFileSync(join(dir, 'conf.d', '10.json'), '{"shared": "ten", "j": true}\n');
    writeFileSync(join(dir, 'conf.d', 'README'), 'not vars\n');
    writeFileSync(join(dir, 'conf.d', 'b-sub', 'x.yml'), 'shared: b-sub\n');
    writeFileSync(join(dir, 'conf.d', 'a-sub', 'x.yml'), 'in_a: 1\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a file: its variables as ansible_facts, untemplated, and the file it read', async () => {
    const result = await includeVarsModule.run({ file: 'main.yml' }, ctx());
    expect(result).to.deep.equal({ changed: false, data: { ansible_facts: { a: 1, b: '{{ a }}' }, ansible_included_var_files: [join(dir, 'main.yml')] } });
  });

  it('name: puts them under one variable', async () => {
    expect((await includeVarsModule.run({ file: 'main.yml', name: 'cfg' }, ctx())).data?.['ansible_facts']).to.deep.equal({ cfg: { a: 1, b: '{{ a }}' } });
  });

  it('a dir: directories sorted by path, files sorted in each, later files winning; depth counts directories as Ansible does', async () => {
    const root = join(dir, 'conf.d');
    expect(filesInDir(root, 0)).to.deep.equal([
      join(root, '10.json'), join(root, '20.yml'), join(root, 'README'), join(root, 'a-sub', 'x.yml'), join(root, 'b-sub', 'x.yml'),
    ]);
    expect(filesInDir(root, 1)).to.deep.equal([join(root, '10.json'), join(root, '20.yml'), join(root, 'README')]);
    const all = await includeVarsModule.run({ dir: 'conf.d', ignore_unknown_extensions: true }, ctx());
    expect(all.data?.['ansible_facts']).to.deep.equal({ shared: 'b-sub', j: true, in_a: 1 });
    const matching = await includeVarsModule.run({ dir: 'conf.d', files_matching: '^x\\.', ignore_files: ['nothing'] }, ctx());
    expect(matching.data?.['ansible_included_var_files']).to.deep.equal([join(root, 'a-sub', 'x.yml'), join(root, 'b-sub', 'x.yml')]);
    const ignoring = await includeVarsModule.run({ dir: 'conf.d', ignore_files: ['README', '^x'], depth: 1 }, ctx());
    expect(ignoring.data?.['ansible_facts']).to.deep.equal({ shared: 'twenty', j: true });
  });

  it('fails naming the cause: unknown extension in a dir, missing file or dir, file mixed with dir options, a list file', async () => {
    expect((await includeVarsModule.run({ dir: 'conf.d' }, ctx())).msg).to.equal(`${join(dir, 'conf.d', 'README')} does not have a valid extension: yaml, yml, json`);
    expect((await includeVarsModule.run({ dir: 'conf.d', extensions: ['yml'], ignore_unknown_extensions: false, depth: 1 }, ctx())).msg).to.equal(`${join(dir, 'conf.d', '10.json')} does not have a valid extension: yml`);
    expect((await includeVarsModule.run({ file: 'nothere.yml' }, ctx())).msg).to.equal("Could not find or access 'nothere.yml' on the Ansible Controller.");
    expect((await includeVarsModule.run({ dir: 'nodir' }, ctx())).msg).to.equal('nodir directory does not exist');
    expect((await includeVarsModule.run({ file: 'main.yml', depth: 1 }, ctx())).msg).to.equal("include_vars: 'file' cannot be combined with 'depth' (they are for 'dir')");
    expect((await includeVarsModule.run({}, ctx())).failed).to.equal(true);
    expect((await includeVarsModule.run({ dir: 'conf.d', files_matching: '(' }, ctx())).msg).to.match(/^include_vars: files_matching: '\(' is not a valid regular expression/);
    const list = await includeVarsModule.run({ file: 'list.yml' }, ctx());
    expect(list.failed).to.equal(true);
    expect(list.msg).to.equal(`include_vars: ${join(dir, 'list.yml')}:1:1: a vars file must be a mapping of variable names to values, got a list`);
  });
});
