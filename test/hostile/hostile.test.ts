// The hostile-input tier (issue 18): every case of cases.ts run as a child process of the built CLI, each under a
// wall-time and a memory limit that fail the test. Besides its own expectations, no case may print a stack trace,
// a JS error class, a library's internal text, or flood the terminal.
import { expect } from 'chai';
import { CASES, type HostileCase } from './cases.js';
import { DEFAULT_LIMITS, runCase } from './run-case.js';

const EVERYWHERE_FORBIDDEN: Array<string | RegExp> = [
  /^\s+at .+:\d+:\d+\)?$/m, // a stack frame
  'node_modules',
  /\b(?:TypeError|ReferenceError|RangeError|SyntaxError)\b/,
  'Maximum call stack size exceeded',
  'Invalid string length',
  'Excessive alias count',
  'unexpected error',
];
const MAX_OUTPUT_BYTES = 64 * 1024;

function holds(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}

function title(hostile: HostileCase): string {
  return `${hostile.kind}: ${hostile.name} -> exit ${hostile.code}`;
}

describe('hostile inputs: no hangs, no exhaustion, no stack traces, nothing accepted silently', function () {
  for (const hostile of CASES) {
    it(title(hostile), async function () {
      const limits = { ...DEFAULT_LIMITS, ...hostile.limits };
      this.timeout(limits.wallMs + 5_000);
      const run = await runCase(hostile);
      const output = `${run.stdout}\n${run.stderr}`;
      const context = `\n--- stderr ---\n${run.stderr.slice(0, 2000)}\n--- stdout ---\n${run.stdout.slice(0, 1000)}`;
      expect(run.timedOut, `still running after ${limits.wallMs} ms${context}`).to.equal(false);
      expect(run.peakRssMb, `peak RSS unknown (killed or crashed: signal ${run.signal ?? 'none'})${context}`).to.not.equal(undefined);
      expect(run.peakRssMb ?? Infinity, `peak RSS over ${limits.rssMb} MB`).to.be.at.most(limits.rssMb);
      expect(run.code, `exit code${context}`).to.equal(hostile.code);
      for (const fragment of hostile.stderr) expect(holds(run.stderr, fragment), `stderr lacks ${String(fragment)}${context}`).to.equal(true);
      for (const pattern of [...EVERYWHERE_FORBIDDEN, ...(hostile.forbid ?? [])]) {
        expect(holds(output, pattern), `output holds ${String(pattern)}${context}`).to.equal(false);
      }
      expect(Buffer.byteLength(output), 'output size').to.be.at.most(MAX_OUTPUT_BYTES);
    });
  }

  it('the tier itself fails a case that overruns its time limit (the limit is real)', async function () {
    this.timeout(15_000);
    const run = await runCase({ kind: 'usage', name: 'a pause', args: ['run', 'play.yml', '-i', 'inv.yml', '--output', 'plain'], files: { 'play.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - pause: {seconds: 30}\n', 'inv.yml': 'all:\n  hosts:\n    web1:\n      ansible_connection: local\n' }, code: 0, stderr: [], limits: { wallMs: 1_500 } });
    expect(run.timedOut).to.equal(true);
  });

  it('the tier itself fails a case that overruns its memory limit (the limit is real)', async function () {
    this.timeout(20_000);
    // 400,000 hosts with a raised range limit: far more than 60 MB of RSS
    const run = await runCase({ kind: 'usage', name: 'a big inventory', args: ['inventory', '-i', 'hosts', '--list'], env: { AIRLOCK_MAX_HOST_RANGE: '1000000' }, files: { hosts: '[web]\nweb[0:399999]\n' }, code: 0, stderr: [], limits: { rssMb: 60, wallMs: 15_000 } });
    expect(run.peakRssMb ?? 0).to.be.above(60);
  });
});
