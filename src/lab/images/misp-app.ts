// The MISP image's application layer, on top of the MISP component rootfs (Apache, PHP 8.4, local Valkey, supervisor):
// MISP from its source archives at /var/www/MISP, owned by www-data, laid out as upstream's published image:
// - app/Lib/cakephp: the PHP 8 CakePHP 2 fork (with MISP cakephp's newer CA bundle), app/files/*: the JSON submodules;
// - app/Config/{bootstrap,database,core,config}.php copied from MISP's *.default.php; database.php keeps its flags and
//   gets the image's build-time database login (the install repoints it at the database container, in place);
// - app/Vendor/autoload.php loading Debian's PHP libraries (no Packagist here: see README.md);
// - Apache on 80 (redirect) and 443 with a self-signed certificate, mod_php with upstream's php.ini values and PHP
//   sessions in the local Valkey over TCP 127.0.0.1:6379 (the install moves them to its Unix socket);
// - supervisord's XML-RPC interface on 127.0.0.1:9001 with a build-time password (the install rotates it);
// - /var/log/misp_install.log holding those build-time secrets, as upstream's image does (the install removes it).
// No database, no MISP user, no settings: those are made by the install, against the database container.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { withChroot } from './chroot.js';
import type { MispSources } from './misp-sources.js';

const MISP = 'var/www/MISP';

/** Upstream's php.ini values (misp-airgap's image build; max_input_time given a value, see RECIPE.md section 5). */
const PHP_INI: Record<string, string> = {
  upload_max_filesize: '50M',
  post_max_size: '50M',
  max_execution_time: '300',
  max_input_time: '300',
  memory_limit: '2048M',
  'session.use_strict_mode': '1',
  'session.save_handler': 'redis',
  'session.save_path': '"tcp://127.0.0.1:6379"',
};

function secret(): string {
  // 32 characters of [A-Za-z0-9]: a build-time secret as upstream's image build generates them
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join('');
}

async function untar(archive: string, dir: string, members: string[] = []): Promise<void> {
  await execa('tar', ['-xJf', archive, '-C', dir, '--no-same-owner', ...members]);
}

export function setIniValues(ini: string, values: Record<string, string>): string {
  let out = ini;
  for (const [key, value] of Object.entries(values)) {
    const line = new RegExp(`^;?\\s*${key.replace(/\./g, '\\.')}\\s*=.*$`, 'm');
    out = line.test(out) ? out.replace(line, `${key} = ${value}`) : `${out}\n${key} = ${value}\n`;
  }
  return out;
}

/** Installs MISP into `root` (a copy of the MISP component rootfs). `overlay` lays the image's own files first. */
export async function installMispApp(root: string, sources: MispSources, overlay: (root: string) => Promise<void>): Promise<void> {
  await overlay(root);
  const www = join(root, 'var/www');
  await mkdir(www, { recursive: true });
  await untar(sources.misp, www);
  await untar(sources.cakephp, join(root, MISP, 'app/Lib'));
  const tmp = await mkdtemp(join(root, 'tmp', 'cakephp-ca-'));
  try {
    await untar(sources.cakephpCa, tmp, ['cakephp/lib/Cake/Config/cacert.pem']);
    await copyFile(join(tmp, 'cakephp/lib/Cake/Config/cacert.pem'), join(root, MISP, 'app/Lib/cakephp/lib/Cake/Config/cacert.pem'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  for (const archive of Object.values(sources.json)) await untar(archive, join(root, MISP, 'app/files'));

  const config = join(root, MISP, 'app/Config');
  for (const name of ['bootstrap', 'database', 'core', 'config']) {
    await copyFile(join(config, `${name}.default.php`), join(config, `${name}.php`));
  }
  const dbPassword = secret();
  const database = await readFile(join(config, 'database.php'), 'utf8');
  const edited = database.replace(/'login' => '[^']*'/, "'login' => 'misp'").replace(/'password' => '[^']*'/, `'password' => '${dbPassword}'`);
  if (edited === database) throw new Error("MISP image: database.default.php has no 'login'/'password' entries to set");
  await writeFile(join(config, 'database.php'), edited);

  const iniPath = join(root, 'etc/php/8.4/apache2/php.ini');
  await writeFile(iniPath, setIniValues(await readFile(iniPath, 'utf8'), PHP_INI));

  const supervisorPassword = secret();
  const supervisorConf = join(root, 'etc/supervisor/supervisord.conf');
  await writeFile(supervisorConf, `${await readFile(supervisorConf, 'utf8')}\n[inet_http_server]\nport=127.0.0.1:9001\nusername=supervisor\npassword=${supervisorPassword}\n`);

  await writeFile(join(root, 'var/log/misp_install.log'), [
    'MISP image build (airlock lab)',
    `MISP database user: misp, password: ${dbPassword}`,
    `supervisor user: supervisor, password: ${supervisorPassword}`,
    '',
  ].join('\n'), { mode: 0o600 });

  await withChroot(root, async (run) => {
    await run(['sh', '-ec', [
      'a2dismod -q status',
      'a2enmod -q ssl rewrite headers',
      'a2dissite -q 000-default',
      'a2ensite -q misp-ssl',
      'a2enconf -q misp-lab',
      // the self-signed certificate upstream's image ships (4096-bit, one year, CN misp.local)
      'openssl req -newkey rsa:4096 -days 365 -nodes -x509 -subj "/CN=misp.local" '
        + '-keyout /etc/ssl/private/misp.local.key -out /etc/ssl/private/misp.local.crt 2>/dev/null',
      'chown -R www-data:www-data /var/www/MISP',
      'chmod -R 750 /var/www/MISP',
      'chmod -R g+ws /var/www/MISP/app/tmp /var/www/MISP/app/files',
      '. /etc/apache2/envvars && apache2 -t 2>&1',
    ].join('\n')]);
  });
  if (!existsSync(join(root, 'etc/ssl/private/misp.local.crt'))) throw new Error('MISP image: no certificate was made');
}

/** MISP's version as its VERSION.json says (e.g. 2.5.1), read from the unpacked tree. */
export async function mispVersionOf(root: string): Promise<string> {
  const version = JSON.parse(await readFile(join(root, MISP, 'VERSION.json'), 'utf8')) as { major: number; minor: number; hotfix: number };
  return `${version.major}.${version.minor}.${version.hotfix}`;
}
