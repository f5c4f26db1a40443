// Golden-file comparison: UPDATE_GOLDEN=1 rewrites the files from the current output (review the diff, then commit).
import { expect } from 'chai';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/unit/report -> the source tree's test/fixtures/report (goldens are not compiled)
const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'fixtures', 'report');

export function expectGolden(name: string, actual: string): void {
  const path = join(fixturesDir, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`golden file ${path} is missing: run the tests with UPDATE_GOLDEN=1 once and review it`);
  }
  expect(actual).to.equal(expected);
}
