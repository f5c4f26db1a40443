// setup (gather_facts): a small, fast fact set from ONE exec of a fixed script (no user values reach the shell),
// returned as data.ansible_facts with Ansible's names so that playbooks written for Ansible read them unchanged.
import { exec, failOnArgError } from './lib/common.js';
import type { ModuleDefinition } from './lib/types.js';

const SECTIONS = ['hostname', 'fqdn', 'os', 'arch', 'kernel', 'mem', 'cpu', 'df', 'addr', 'route', 'user'] as const;
type Section = (typeof SECTIONS)[number];

/** Fixed text: every section is printed after a `==name` line; failures leave the section empty. */
export const SETUP_SCRIPT = [
  'echo ==hostname; hostname 2>/dev/null || cat /proc/sys/kernel/hostname',
  // -f may consult DNS; bounded so an air-gapped resolver cannot stall fact gathering.
  'echo ==fqdn; timeout 2 hostname -f 2>/dev/null || hostname 2>/dev/null',
  'echo ==os; cat /etc/os-release 2>/dev/null',
  'echo ==arch; uname -m',
  'echo ==kernel; uname -r',
  'echo ==mem; grep -E "^(MemTotal|MemFree|SwapTotal|SwapFree):" /proc/meminfo',
  'echo ==cpu; nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo',
  'echo ==df; df -P -k -T 2>/dev/null',
  'echo ==addr; ip -o -4 addr show 2>/dev/null',
  'echo ==route; ip -4 route show default 2>/dev/null',
  'echo ==user; id -un',
].join('; ');

const DISTRIBUTIONS: Record<string, { name: string; family: string }> = {
  debian: { name: 'Debian', family: 'Debian' },
  ubuntu: { name: 'Ubuntu', family: 'Debian' },
  rhel: { name: 'RedHat', family: 'RedHat' },
  centos: { name: 'CentOS', family: 'RedHat' },
  rocky: { name: 'Rocky', family: 'RedHat' },
  almalinux: { name: 'AlmaLinux', family: 'RedHat' },
  fedora: { name: 'Fedora', family: 'RedHat' },
  alpine: { name: 'Alpine', family: 'Alpine' },
  sles: { name: 'SLES', family: 'Suse' },
};

function splitSections(stdout: string): Record<Section, string[]> {
  const sections = Object.fromEntries(SECTIONS.map((name) => [name, [] as string[]])) as Record<Section, string[]>;
  let current: Section | undefined;
  for (const line of stdout.split('\n')) {
    const header = /^==(\w+)$/.exec(line);
    if (header && (SECTIONS as readonly string[]).includes(header[1] ?? '')) current = header[1] as Section;
    else if (current && line.trim() !== '') sections[current].push(line);
  }
  return sections;
}

function parseOsRelease(lines: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of lines) {
    const match = /^([A-Z_0-9]+)=(.*)$/.exec(line);
    if (match?.[1]) values[match[1]] = (match[2] ?? '').replace(/^(["'])(.*)\1$/, '$2');
  }
  return values;
}

function prefixToNetmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 0xff).join('.');
}

function networkOf(address: string, prefix: number): string {
  const value = address.split('.').reduce((sum, octet) => (sum * 256 + Number(octet)) >>> 0, 0);
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (value & bits) >>> 0;
  return [24, 16, 8, 0].map((shift) => (network >>> shift) & 0xff).join('.');
}

interface Ipv4 {
  interface: string;
  address: string;
  prefix: number;
}

export function parseSetupOutput(stdout: string): Record<string, unknown> {
  const s = splitSections(stdout);
  const os = parseOsRelease(s.os);
  const id = os['ID'] ?? 'unknown';
  const known = DISTRIBUTIONS[id];
  const version = os['VERSION_ID'] ?? '';
  const memory = Object.fromEntries(s.mem.map((line) => {
    const [key = '', kb = '0'] = line.replace(':', '').split(/\s+/);
    return [key, Math.floor(Number(kb) / 1024)];
  }));
  const mounts = s.df.slice(1).flatMap((line) => {
    const fields = line.split(/\s+/);
    if (fields.length < 7) return [];
    const [device = '', fstype = '', total = '0', , available = '0'] = fields;
    return [{ mount: fields.slice(6).join(' '), device, fstype, size_total: Number(total) * 1024, size_available: Number(available) * 1024, block_size: 1024 }];
  });
  const addresses: Ipv4[] = s.addr.flatMap((line) => {
    const match = /^\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(line);
    return match ? [{ interface: match[1] ?? '', address: match[2] ?? '', prefix: Number(match[3]) }] : [];
  });
  const route = /^default(?:\s+via\s+(\S+))?\s+dev\s+(\S+)/.exec(s.route[0] ?? '');
  let defaultIpv4: Record<string, unknown> = {};
  if (route) {
    const address = addresses.find((entry) => entry.interface === route[2]);
    defaultIpv4 = { interface: route[2], gateway: route[1] ?? '' };
    if (address) {
      Object.assign(defaultIpv4, { address: address.address, prefix: String(address.prefix), netmask: prefixToNetmask(address.prefix), network: networkOf(address.address, address.prefix) });
    }
  }
  const hostname = s.hostname[0] ?? '';
  return {
    ansible_hostname: hostname.split('.')[0],
    ansible_nodename: hostname,
    ansible_fqdn: s.fqdn[0] ?? hostname,
    ansible_distribution: known?.name ?? (os['NAME'] ?? id).split(' ')[0],
    ansible_distribution_version: version,
    ansible_distribution_major_version: version.split('.')[0] ?? '',
    ansible_distribution_release: os['VERSION_CODENAME'] ?? '',
    ansible_os_family: known?.family ?? os['ID_LIKE']?.split(' ')[0] ?? id,
    ansible_system: 'Linux',
    ansible_architecture: s.arch[0] ?? '',
    ansible_kernel: s.kernel[0] ?? '',
    ansible_memtotal_mb: memory['MemTotal'] ?? 0,
    ansible_memfree_mb: memory['MemFree'] ?? 0,
    ansible_swaptotal_mb: memory['SwapTotal'] ?? 0,
    ansible_processor_vcpus: Number(s.cpu[0] ?? 0),
    ansible_mounts: mounts,
    ansible_all_ipv4_addresses: addresses.filter((entry) => !entry.address.startsWith('127.')).map((entry) => entry.address),
    ansible_interfaces: [...new Set(addresses.map((entry) => entry.interface))],
    ansible_default_ipv4: defaultIpv4,
    ansible_user_id: s.user[0] ?? '',
  };
}

export const setupModule: ModuleDefinition = {
  name: 'setup',
  argsSchema: {
    type: 'object',
    properties: {
      gather_subset: { type: ['string', 'array'] },
      gather_timeout: { type: ['integer', 'string'] },
      filter: { type: ['string', 'array'] },
    },
    additionalProperties: false,
  },
  run: (args, ctx) =>
    failOnArgError(async () => {
      const result = await exec(ctx, SETUP_SCRIPT);
      let facts = parseSetupOutput(result.stdout);
      if (!facts['ansible_hostname']) return { changed: false, failed: true, msg: `setup: gathering facts failed (rc ${result.rc}): ${result.stderr.trim()}` };
      const filter = args['filter'];
      if (filter !== undefined) {
        const patterns = (Array.isArray(filter) ? filter : [filter]).map((glob) => new RegExp(`^${String(glob).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
        facts = Object.fromEntries(Object.entries(facts).filter(([name]) => patterns.some((pattern) => pattern.test(name))));
      }
      return { changed: false, data: { ansible_facts: facts } };
    }),
};
