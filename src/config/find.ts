// Which ansible.cfg is read: the first of these that exists and is readable, as ansible-core's
// find_ini_config_file: $ANSIBLE_CONFIG (a directory means <dir>/ansible.cfg), ./ansible.cfg unless the working
// directory is world-writable (anyone could have planted it), ~/.ansible.cfg, /etc/ansible/ansible.cfg.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, normalize, resolve } from 'node:path';

export interface FoundConfig {
  file: string | undefined;
  warnings: string[];
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return existsSync(path);
  } catch {
    return false;
  }
}

function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

export function findConfigFile(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd(), home: string = homedir()): FoundConfig {
  const candidates: string[] = [];
  let fromEnv: string | undefined;
  if (env['ANSIBLE_CONFIG'] !== undefined) {
    fromEnv = normalize(resolve(cwd, expandHome(env['ANSIBLE_CONFIG'])));
    if (existsSync(fromEnv) && statSync(fromEnv).isDirectory()) fromEnv = join(fromEnv, 'ansible.cfg');
    candidates.push(fromEnv);
  }
  let worldWritableSkipped = false;
  const inCwd = join(cwd, 'ansible.cfg');
  try {
    if ((statSync(cwd).mode & 0o002) !== 0) worldWritableSkipped = existsSync(inCwd);
    else candidates.push(inCwd);
  } catch {
    // a working directory that cannot be stat'ed has no ansible.cfg we could trust
  }
  candidates.push(join(home, '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  const file = candidates.find(readable);
  const warnings =
    worldWritableSkipped && (fromEnv === undefined || file !== fromEnv)
      ? [`Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source. For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir`]
      : [];
  return { file, warnings };
}
