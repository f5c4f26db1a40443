// Ansible resolves every builtin filter, test and lookup by its FQCN too: `x | ansible.builtin.quote`,
// `p is ansible.builtin.file`. One table of names, the qualified ones added here.

export const BUILTIN_PREFIX = 'ansible.builtin.';

/** The table with `ansible.builtin.<name>` beside every `<name>`. */
export function withQualifiedNames<T>(table: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = { ...table };
  for (const [name, entry] of Object.entries(table)) {
    if (/^[A-Za-z_]\w*$/.test(name)) out[`${BUILTIN_PREFIX}${name}`] = entry;
  }
  return out;
}

/** `ansible.builtin.quote` -> `quote` (the name the tables of special cases use). */
export function shortName(name: string): string {
  return name.startsWith(BUILTIN_PREFIX) ? name.slice(BUILTIN_PREFIX.length) : name;
}
