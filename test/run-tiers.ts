// `npm test`: runs every tier (unit, hostile inputs, then integration on the SSH lab, then end-to-end on the LXD lab) with mocha's
// programmatic API and ends with the totals on a line of their own, "N passed, N failed", which CI reads.
// A tier's own setup (the lab) failing counts as a failure, never as a skip.
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Tier {
  name: string;
  dir: string;
  timeoutMs: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const tiers: Tier[] = [
  { name: 'unit', dir: join(here, 'unit'), timeoutMs: 20_000 },
  // hostile inputs, each through the built CLI in its own process with its own time and memory limits
  { name: 'hostile', dir: join(here, 'hostile'), timeoutMs: 30_000 },
  { name: 'integration', dir: join(here, 'integration'), timeoutMs: 180_000 },
  { name: 'e2e', dir: join(here, 'e2e'), timeoutMs: 1_800_000 },
];

function testFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return testFiles(path);
    return entry.endsWith('.test.js') ? [path] : [];
  });
}

async function runTier(tier: Tier): Promise<{ passes: number; failures: number }> {
  const files = testFiles(tier.dir);
  if (files.length === 0) return { passes: 0, failures: 0 };
  process.stdout.write(`\n=== ${tier.name} tests (${files.length} files)\n`);
  const mocha = new Mocha({ timeout: tier.timeoutMs, reporter: 'spec' });
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 });
    });
  });
}

const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const tier of tiers) {
  if (only.length > 0 && !only.includes(tier.name)) continue;
  const { passes, failures } = await runTier(tier);
  passed += passes;
  failed += failures;
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
