// Modules an Ansible user may well write that airlock does not implement, by fully qualified name, so that the
// loader can say "ansible.builtin.apt is not supported by airlock" instead of guessing at a typo. The builtin list is
// ansible-core 2.14's lib/ansible/modules (the oracle installed in CI); the collection entries are the modules real
// playbooks use most from ansible.posix and community.general. Names airlock implements are answered by the registry
// first, so an entry here that airlock later gains is harmless.

const BUILTIN = [
  'apt', 'apt_key', 'apt_repository', 'assemble', 'cron', 'debconf', 'dnf', 'dpkg_selections',
  'expect', 'gather_facts', 'get_url', 'getent', 'git', 'iptables',
  'package', 'package_facts', 'pip', 'reboot', 'rpm_key', 'service_facts', 'set_stats', 'subversion',
  'sysvinit', 'unarchive', 'validate_argument_spec', 'yum', 'yum_repository',
] as const;

const COLLECTIONS: Record<string, readonly string[]> = {
  'ansible.posix': ['acl', 'at', 'firewalld', 'mount', 'patch', 'seboolean', 'selinux', 'synchronize'],
  'community.general': [
    'alternatives', 'archive', 'filesystem', 'ini_file', 'locale_gen', 'lvg', 'lvol', 'make', 'modprobe', 'nmcli', 'npm',
    'pam_limits', 'parted', 'timezone', 'ufw',
  ],
};

/** FQCN by every name a playbook may use for it: short, ansible.builtin./ansible.legacy. or the collection's. */
const byName = new Map<string, string>();
for (const name of BUILTIN) {
  for (const alias of [name, `ansible.builtin.${name}`, `ansible.legacy.${name}`]) byName.set(alias, `ansible.builtin.${name}`);
}
for (const [collection, names] of Object.entries(COLLECTIONS)) {
  for (const name of names) {
    const fqcn = `${collection}.${name}`;
    byName.set(fqcn, fqcn);
    if (!byName.has(name)) byName.set(name, fqcn);
  }
}

/** The fully qualified name of a well-known Ansible module airlock lacks, or undefined for any other name. */
export function knownAnsibleModule(name: string): string | undefined {
  return byName.get(name);
}

/** The loader's message for such a module: "ansible.builtin.apt is not supported by airlock". */
export function unsupportedModuleMessage(name: string): string | undefined {
  const fqcn = knownAnsibleModule(name);
  return fqcn === undefined ? undefined : `${fqcn} is not supported by airlock`;
}
