// `npm run package` (after the build): writes build/airlock-<version>.tar.gz and its .sha256. See docs/airgap-install.md.
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { packageAirlock } from './package/artifact.js';

/** dist/scripts/package.js -> the checkout root */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const result = await packageAirlock({ projectRoot: PROJECT_ROOT });
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
process.stdout.write(
  [
    `airlock ${result.version}: ${relative(process.cwd(), result.tarball) || result.tarball} (${mib(result.tarballBytes)}; bundle ${mib(result.bundleBytes)})`,
    `sha256 ${result.sha256}  -> ${relative(process.cwd(), result.checksumFile) || result.checksumFile}`,
    `bundled: ${result.bundledPackages.join(', ')}`,
    '',
  ].join('\n'),
);
