// The source tree follows the data's way through airlock (inventory -> playbook -> executor -> connection -> modules
// -> report), and no import may run against it. This test reads every import in src/ and fails on one that a layer
// may not make: an import that comes back (executor -> cli, bundle -> modules, connection -> inventory...) is caught
// here, in `npm test`, instead of in review.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../../src/', import.meta.url));

/** What each top-level folder of src/ may import besides itself; util and types are for everyone. */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  types: [],
  template: [],
  inventory: [],
  connection: [],
  bundle: ['connection'],
  stack: ['connection'],
  modules: ['connection', 'bundle', 'stack'],
  playbook: ['inventory', 'template', 'modules/lib/types'],
  report: [],
  executor: ['inventory', 'playbook', 'template', 'connection', 'modules', 'report', 'bundle'],
  lab: ['bundle', 'connection', 'inventory'],
  config: ['inventory', 'playbook', 'connection', 'report'],
  vault: [],
  parsing: [],
  cli: ['*'],
};
// vault: every loader that reads a file may meet vault-encrypted data (inventory, playbook, copy/template sources);
// it imports only util
const EVERYONE = ['util', 'types', 'parsing', 'vault'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return entry.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const spec = match[1];
    if (spec !== undefined) found.push(relative(SRC, normalize(join(dirname(file), spec))).split(sep).join('/').replace(/\.js$/, ''));
  }
  return found;
}

function layerOf(path: string): string {
  return path.split('/')[0] ?? path;
}

function allowed(from: string, target: string): boolean {
  const layer = layerOf(from);
  const targetLayer = layerOf(target);
  if (layer === targetLayer || EVERYONE.includes(targetLayer)) return true;
  const rules = ALLOWED[layer];
  if (rules === undefined) return false;
  return rules.some((rule) => rule === '*' || rule === targetLayer || target === rule);
}

describe('source layout: imports follow the data', () => {
  const files = sourceFiles(SRC).map((file) => ({ file, from: relative(SRC, file).split(sep).join('/') }));

  it('every top-level folder of src/ has a rule', () => {
    const layers = new Set(files.map(({ from }) => layerOf(from)));
    expect([...layers].filter((layer) => ALLOWED[layer] === undefined)).to.deep.equal([]);
  });

  it('no import runs against the data (executor -> cli, bundle -> modules, modules -> report, ...)', () => {
    const violations = files.flatMap(({ file, from }) =>
      importsOf(file).filter((target) => !allowed(from, target)).map((target) => `src/${from} imports src/${target}`));
    expect(violations).to.deep.equal([]);
  });

  it('the rule catches a forbidden import (checked on a made-up one)', () => {
    expect(allowed('executor/run.ts', 'cli/exit-codes')).to.equal(false);
    expect(allowed('bundle/push.ts', 'modules/lxd_image')).to.equal(false);
    expect(allowed('playbook/load.ts', 'modules/lib/registry')).to.equal(false);
    expect(allowed('playbook/load.ts', 'modules/lib/types')).to.equal(true);
    expect(allowed('cli/run.ts', 'executor/run')).to.equal(true);
  });

  it('outside src/template/, templates are reached through src/template/index.ts only', () => {
    const reachingIn = files.flatMap(({ file, from }) =>
      layerOf(from) === 'template' ? [] : importsOf(file).filter((target) => target.startsWith('template/') && target !== 'template/index'));
    expect(reachingIn).to.deep.equal([]);
  });
});
