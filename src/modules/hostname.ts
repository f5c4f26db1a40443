// hostname: the host's name as Ansible sets it on Debian without systemd (FileStrategy): /etc/hostname holds it,
// and that file is also what Ansible reads as the current name (the running kernel's name is left alone, as in
// Ansible). A host that runs systemd would get hostnamectl from Ansible; airlock says it does not do that rather
// than doing something else. Returns Ansible's ansible_facts (hostname, nodename, fqdn, domain) and its diff.
import { sh } from '../util/shell.js';
import { exec, failOnArgError, ModuleArgError, optionalString } from './lib/common.js';
import type { ModuleDefinition, ModuleResult } from './lib/types.js';

export const HOSTNAME_FILE = '/etc/hostname';
const MARKER = '__AIRLOCK_HOSTNAME__';

/** systemd (as Ansible's is_systemd_managed looks for it), the FQDN of the running name, then the file's text. */
export const HOSTNAME_PROBE = `if [ -d /run/systemd/system ]; then echo systemd; fi; printf 'F\\t%s\\n' "$(hostname -f 2>/dev/null || hostname)"; echo ${MARKER}; cat ${HOSTNAME_FILE} 2>/dev/null; true`;

export function writeHostnameCommand(name: string): string {
  return `${sh`printf '%s\\n' ${name}`} > ${HOSTNAME_FILE}`;
}

export interface HostnameProbe {
  systemd: boolean;
  fqdn: string;
  /** /etc/hostname stripped, '' when there is none */
  permanent: string;
}

export function parseHostnameProbe(stdout: string): HostnameProbe {
  const at = stdout.indexOf(`${MARKER}\n`);
  const head = at < 0 ? stdout : stdout.slice(0, at);
  const fqdnLine = head.split('\n').find((line) => line.startsWith('F\t'));
  return {
    systemd: head.split('\n').includes('systemd'),
    fqdn: fqdnLine === undefined ? '' : fqdnLine.slice(2),
    permanent: at < 0 ? '' : stdout.slice(at + MARKER.length + 1).trim(),
  };
}

/** A name hostname(1) and /etc/hostname can hold: letters, digits, '-' and '.', at most 253 characters. */
function validName(name: string): string {
  if (name === '' || name.length > 253 || !/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(name)) {
    throw new ModuleArgError('hostname', `'name' ${JSON.stringify(name)} is not a valid host name`);
  }
  return name;
}

export const hostnameModule: ModuleDefinition = {
  name: 'hostname',
  argsSchema: {
    type: 'object',
    properties: { name: { type: 'string' }, use: { type: 'string' } },
    required: ['name'],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async (): Promise<ModuleResult> => {
      const name = validName(optionalString('hostname', args, 'name') ?? '');
      const use = optionalString('hostname', args, 'use');
      if (use !== undefined && use !== 'generic') {
        throw new ModuleArgError('hostname', `'use: ${use}' is not supported by airlock (it sets /etc/hostname only, Ansible's strategy for Debian without systemd)`);
      }
      const probed = await exec(ctx, HOSTNAME_PROBE);
      if (probed.rc !== 0) return { changed: false, failed: true, msg: `hostname: reading the host name failed (rc ${probed.rc}): ${probed.stderr.trim()}` };
      const state = parseHostnameProbe(probed.stdout);
      if (state.systemd && use === undefined) {
        return { changed: false, failed: true, msg: 'hostname: this host runs systemd, where Ansible uses hostnamectl; airlock does not support that strategy' };
      }
      const changed = state.permanent !== name;
      if (changed && !ctx.check) {
        const written = await exec(ctx, writeHostnameCommand(name));
        if (written.rc !== 0) return { changed: false, failed: true, msg: `failed to update hostname: ${written.stderr.trim()}` };
      }
      const facts = {
        ansible_hostname: name.split('.')[0] ?? name,
        ansible_nodename: name,
        ansible_fqdn: state.fqdn,
        ansible_domain: state.fqdn.split('.').slice(1).join('.'),
      };
      const result: ModuleResult = { changed, data: { name, ansible_facts: facts } };
      if (changed) result.diff = [{ before: `hostname = ${state.permanent}\n`, after: `hostname = ${name}\n` }];
      return result;
    }),
};
