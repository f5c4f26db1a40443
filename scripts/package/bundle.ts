// One ESM file holding airlock and every dependency, for plain `node` on a workstation with no node_modules.
import { build, type Metafile } from 'esbuild';
import { join } from 'node:path';
import { nativeAddonStubs } from './native-stubs.js';

export interface BundleOptions {
  /** the checkout root (holds src/cli/main.ts and node_modules/) */
  projectRoot: string;
  /** written here, e.g. <stage>/lib/airlock.mjs */
  outFile: string;
  version: string;
}

export interface BundleResult {
  outFile: string;
  bytes: number;
  /** node_modules packages that ended up inside, for the packaging log */
  packages: string[];
}

/**
 * CommonJS dependencies (ssh2, nunjucks, ajv, ...) call require() for Node built-ins and read __dirname (ssh2's
 * Pageant path at load time, its WebAssembly Poly1305 when the first chacha20 session starts); an ES module has
 * neither, so the bundle defines them. Imports are renamed so that bundled code cannot clash with them.
 */
const CJS_GLOBALS_BANNER = [
  "import { createRequire as __airlockCreateRequire } from 'node:module';",
  "import { fileURLToPath as __airlockFileURLToPath } from 'node:url';",
  "import { dirname as __airlockDirname } from 'node:path';",
  'const require = __airlockCreateRequire(import.meta.url);',
  'const __filename = __airlockFileURLToPath(import.meta.url);',
  'const __dirname = __airlockDirname(__filename);',
  // a workstation's distribution node may be older than airlock's floor: say so instead of failing somewhere deep
  "if (Number(process.versions.node.split('.')[0]) < 20) {",
  "  process.stderr.write(`airlock: needs Node.js 20 or newer; this is ${process.version} (${process.execPath})\\n`);",
  '  process.exit(1);',
  '}',
].join('\n');

export async function bundleCli(options: BundleOptions): Promise<BundleResult> {
  const result = await build({
    entryPoints: [join(options.projectRoot, 'src/cli/main.ts')],
    outfile: options.outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // packages are bundled too: only Node's built-ins stay outside
    packages: 'bundle',
    banner: { js: CJS_GLOBALS_BANNER },
    define: { __AIRLOCK_VERSION__: JSON.stringify(options.version) },
    plugins: [nativeAddonStubs()],
    // ESM-first packages (execa, listr2) have "module"/"import" entries; prefer them over CJS wrappers
    mainFields: ['module', 'main'],
    conditions: ['node', 'import'],
    legalComments: 'eof',
    minifySyntax: true,
    minifyWhitespace: true,
    keepNames: true,
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: options.projectRoot,
  });
  const output = result.metafile.outputs[relativeOut(result.metafile, options.outFile)];
  return { outFile: options.outFile, bytes: output?.bytes ?? 0, packages: bundledPackages(result.metafile) };
}

function relativeOut(metafile: Metafile, outFile: string): string {
  const key = Object.keys(metafile.outputs).find((candidate) => outFile.endsWith(candidate));
  return key ?? outFile;
}

function bundledPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return [...names].sort();
}
