// Picking the lab's address block: the one its name hashes to, or the next one nothing on this machine uses yet
// (another lab, or a real network), so labs coexist. Only the root namespace's own addresses and routes are read;
// nothing is probed on the network.
import { runQuietly } from './commands.js';
import { addressingForBlock, preferredBlock, type LabAddressing } from './naming.js';

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

interface Range {
  first: number;
  last: number;
}

function cidrRange(cidr: string): Range | undefined {
  const [ip, bits] = cidr.split('/');
  if (ip === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return undefined;
  const prefix = bits === undefined ? 32 : Number(bits);
  const size = 2 ** (32 - prefix);
  const first = Math.floor(ipv4ToNumber(ip) / size) * size;
  return { first, last: first + size - 1 };
}

async function rangesInUse(): Promise<Range[]> {
  const ranges: Range[] = [];
  const routes = await runQuietly('ip', ['-4', '-o', 'route', 'show', 'table', 'all']);
  for (const line of routes.stdout.split('\n')) {
    const target = line.trim().split(/\s+/).find((word, i) => i <= 1 && /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(word));
    const range = target === undefined ? undefined : cidrRange(target);
    // A /8 or /12 route (a VPN, a cloud VPC) does not make every lab block unusable: more specific routes win.
    if (range && range.last - range.first < 2 ** 16) ranges.push(range);
  }
  const addrs = await runQuietly('ip', ['-4', '-o', 'addr', 'show']);
  for (const match of addrs.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+\/\d+)/g)) {
    const range = match[1] === undefined ? undefined : cidrRange(match[1]);
    if (range) ranges.push(range);
  }
  return ranges;
}

function overlaps(a: Range, b: Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export async function pickAddressing(labName: string): Promise<LabAddressing> {
  const used = await rangesInUse();
  const start = preferredBlock(labName);
  for (let step = 0; step < 512; step++) {
    const addressing = addressingForBlock(start + step);
    const main = cidrRange(addressing.subnet);
    const internal = cidrRange(addressing.internalSubnet);
    if (!main || !internal) continue;
    if (!used.some((r) => overlaps(r, main) || overlaps(r, internal))) return addressing;
  }
  throw new Error('no free /23 left in 10.200.0.0/14 for another lab');
}
