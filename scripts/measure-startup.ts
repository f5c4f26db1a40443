// `node dist/scripts/measure-startup.js [N]`: start-up cost of the packaged CLI against the checkout's, as the
// median wall time of N (default 5) `--version` runs each, interleaved so that machine load hits both alike.
// Needs `npm run package` first (reads build/airlock-<version>.tar.gz, unpacks it into a temporary directory).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVersion } from './package/artifact.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const runs = Number(process.argv[2] ?? '5');

function timeOnce(command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const version = await readVersion(ROOT);
const tarball = join(ROOT, 'build', `airlock-${version}.tar.gz`);
const scratch = mkdtempSync(join(tmpdir(), 'airlock-startup-'));
try {
  execFileSync('tar', ['-xzf', tarball, '-C', scratch]);
  const bundled = join(scratch, `airlock-${version}`);
  const samples = { bundle: [] as number[], checkout: [] as number[] };
  for (let i = 0; i < runs; i++) {
    samples.bundle.push(timeOnce(join(bundled, 'bin', 'airlock'), ['--version']));
    samples.checkout.push(timeOnce('node', [join(ROOT, 'bin', 'airlock.js'), '--version']));
  }
  const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  const show = (values: number[]): string => `median ${median(values).toFixed(0)} ms  [${values.map((v) => v.toFixed(0)).join(', ')}]`;
  process.stdout.write(
    [
      `artifact  ${tarball}: ${mib(statSync(tarball).size)}; lib/airlock.mjs ${mib(statSync(join(bundled, 'lib', 'airlock.mjs')).size)}`,
      `bundle    bin/airlock --version (${runs} runs): ${show(samples.bundle)}`,
      `checkout  node bin/airlock.js --version (${runs} runs): ${show(samples.checkout)}`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
