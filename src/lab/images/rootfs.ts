// The Debian 13 (trixie) root file systems of the lab images: one debootstrap (minbase), then one copy per component
// with that component's Debian packages installed by apt, as upstream's build.sh installs each component into a
// fresh container. These are the expensive steps (about 10 minutes together), so each result is cached under a
// marker naming its recipe, and every later step (MISP's sources, configs, tarballs) starts from a copy.
//
// Trixie because it ships valkey-server 8.1 (upstream's images run Valkey) and PHP 8.4 with every extension MISP 2.5
// needs as Debian packages; the only network used is the Debian mirror.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { denyServiceStarts, withChroot } from './chroot.js';
import type { LabComponent } from './specs.js';

export const SUITE = 'trixie';
/** What every image needs besides its component: busybox for the lab init's DHCP client, ip, curl for health checks. */
const BASE_PACKAGES = ['busybox', 'iproute2', 'curl', 'ca-certificates', 'procps'];

/** Each component's packages (trixie, --no-install-recommends), as RECIPE.md section 3 lists them for MISP. */
export const COMPONENT_PACKAGES: Record<LabComponent, string[]> = {
  misp: [
    'apache2', 'libapache2-mod-php8.4', 'php8.4', 'php8.4-cli', 'php8.4-mysql', 'php8.4-xml', 'php8.4-mbstring', 'php8.4-intl',
    'php8.4-gd', 'php8.4-zip', 'php8.4-curl', 'php8.4-redis', 'php8.4-gnupg', 'php8.4-bcmath', 'php8.4-opcache', 'php8.4-readline',
    'php8.4-apcu', 'php-crypt-gpg', 'php-monolog', 'php-psr-log', 'php-guzzlehttp-guzzle', 'php-bacon-qr-code',
    'php-league-flysystem', 'php-constant-time',
    // the local session store, the database client (schema import, as upstream's INSTALL.sh does from this container),
    // cake's `sudo -u www-data`, the GPG key, the self-signed certificate, and supervisor as upstream's image ships it
    'valkey-server', 'mariadb-client', 'sudo', 'gnupg', 'openssl', 'supervisor',
  ],
  mysql: ['mariadb-server', 'mariadb-client'],
  valkey: ['valkey-server'],
  // misp-modules' Python dependencies are not reachable here: the modules image stays a small Python stand-in
  modules: ['python3'],
};

/** Bump when a step below changes in a way the package lists do not show. */
const ROOTFS_RECIPE = '2';
const TRIM = ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info'];

export async function defaultMirror(): Promise<string> {
  try {
    const sources = await readFile('/etc/apt/sources.list.d/debian.sources', 'utf8');
    const uri = /^URIs:\s*(\S+\/debian)\s*$/m.exec(sources)?.[1];
    if (uri) return uri;
  } catch {
    // no deb822 sources on this machine: fall through to the default mirror
  }
  return 'http://deb.debian.org/debian';
}

async function cached(done: string, wanted: string): Promise<boolean> {
  return existsSync(done) && (await readFile(done, 'utf8')) === wanted;
}

/** Minbase trixie with the base packages: about 4 minutes, once. */
async function ensureBase(cacheDir: string, mirror: string, log: (line: string) => void): Promise<string> {
  const root = join(cacheDir, 'rootfs', 'base');
  const done = `${root}.done`;
  const wanted = `${ROOTFS_RECIPE} ${SUITE} ${BASE_PACKAGES.join(',')}`;
  if (await cached(done, wanted)) return root;
  const started = Date.now();
  log(`lab images: debootstrap ${SUITE} minbase from ${mirror} (about 4 minutes, once)`);
  await rm(root, { recursive: true, force: true });
  await rm(done, { force: true });
  await mkdir(join(cacheDir, 'rootfs'), { recursive: true });
  await execa('debootstrap', ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, SUITE, root, mirror]);
  await denyServiceStarts(root);
  await writeFile(done, wanted);
  log(`lab images: debootstrap done in ${Math.round((Date.now() - started) / 1000)} s`);
  return root;
}

/** The component's rootfs: a copy of the base with its packages installed. Cached; returns its path. */
export async function ensureComponentRootfs(cacheDir: string, component: LabComponent, mirror: string, log: (line: string) => void): Promise<string> {
  const root = join(cacheDir, 'rootfs', component);
  const done = `${root}.done`;
  const wanted = `${ROOTFS_RECIPE} ${SUITE} ${BASE_PACKAGES.join(',')} ${COMPONENT_PACKAGES[component].join(',')}`;
  if (await cached(done, wanted)) return root;
  const base = await ensureBase(cacheDir, mirror, log);
  const started = Date.now();
  log(`lab images: apt-get install for ${component} (${COMPONENT_PACKAGES[component].length} packages)`);
  await rm(root, { recursive: true, force: true });
  await rm(done, { force: true });
  // a real copy, not hard links: dpkg and apt append to logs in place, which would write through into the base
  await execa('cp', ['-a', base, root]);
  await withChroot(root, async (run) => {
    await run(['apt-get', 'update']);
    await run(['apt-get', 'install', '-y', '--no-install-recommends', ...COMPONENT_PACKAGES[component]]);
    await run(['apt-get', 'clean']);
  });
  for (const path of TRIM) {
    await rm(join(root, path), { recursive: true, force: true });
    await mkdir(join(root, path), { recursive: true });
  }
  await writeFile(done, wanted);
  log(`lab images: ${component} rootfs done in ${Math.round((Date.now() - started) / 1000)} s`);
  return root;
}

/** Stamp of the rootfs recipe, for the image cache key. */
export function rootfsRecipe(): string {
  return JSON.stringify({ ROOTFS_RECIPE, SUITE, BASE_PACKAGES, COMPONENT_PACKAGES });
}
