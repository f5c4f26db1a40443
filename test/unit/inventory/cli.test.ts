// `airlock inventory` as a user runs it, in-process through commander (the same register() main.ts uses).
import { expect } from 'chai';
import { Command } from 'commander';
import { join } from 'node:path';
import { register } from '../../../src/cli/inventory.js';
import { InputError } from '../../../src/util/errors.js';
import { EXAMPLES } from './ansible-oracle.js';

async function runInventory(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('airlock').exitOverride();
  register(program);
  let stdout = '';
  let stderr = '';
  const originalOut = process.stdout.write.bind(process.stdout);
  const originalErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'airlock', 'inventory', ...args]);
  } finally {
    process.stdout.write = originalOut;
    process.stderr.write = originalErr;
  }
  return { stdout, stderr };
}

describe('inventory: the airlock inventory command (in-process)', () => {
  const multi = ['-i', join(EXAMPLES, 'multi-source/a.yml'), '-i', join(EXAMPLES, 'multi-source/b.ini')];

  it('--list merges several -i sources into ansible-inventory JSON (4-space indent, sorted keys)', async () => {
    const { stdout } = await runInventory([...multi, '--list']);
    const list = JSON.parse(stdout) as Record<string, { hosts?: string[]; children?: string[] }>;
    expect(list['all']?.children).to.deep.equal(['ungrouped', 'app', 'monitoring']);
    expect(list['app']?.hosts).to.deep.equal(['app1', 'app2', 'app3']);
    expect(stdout.startsWith('{\n    "_meta": {')).to.equal(true);
  });

  it('--host prints one host, --graph GROUP one subtree', async () => {
    expect(JSON.parse((await runInventory([...multi, '--host', 'app1'])).stdout)).to.deep.equal({ color: 'green', from_a: true, owner: 'team-b', scrape_interval: '15s' });
    expect((await runInventory([...multi, '--graph', 'monitoring'])).stdout).to.equal('@monitoring:\n  |--app1\n  |--mon1\n');
  });

  it('prints warnings on stderr, not in the JSON', async () => {
    const { stdout, stderr } = await runInventory(['-i', join(EXAMPLES, 'ini-typed/hosts'), '--list']);
    expect(stderr).to.contain("[WARNING]: ");
    expect(stderr).to.contain("group name 'site-a'");
    expect(() => JSON.parse(stdout) as unknown).to.not.throw();
  });

  const usageErrors: Array<[string[], string]> = [
    [['-i', 'x.yml'], 'exactly one of --list'],
    [['-i', 'x.yml', '--list', '--graph'], 'exactly one of --list'],
    [['--list'], 'no inventory given'],
    [['-i', join(EXAMPLES, 'multi-source/a.yml'), '--list', 'extra'], "unexpected argument 'extra'"],
    [['-i', join(EXAMPLES, 'multi-source/a.yml'), '--graph', 'nosuchgroup'], "'nosuchgroup' is not a group"],
    [['-i', join(EXAMPLES, 'multi-source/a.yml'), '--host', 'nosuchhost'], "'nosuchhost' matches none"],
  ];
  for (const [args, message] of usageErrors) {
    it(`rejects: airlock inventory ${args.join(' ').replace(EXAMPLES, '...')}`, async () => {
      await runInventory(args).then(
        () => expect.fail('should fail'),
        (error: unknown) => {
          expect(error).to.be.instanceOf(InputError);
          expect((error as Error).message).to.contain(message);
        },
      );
    });
  }
});
