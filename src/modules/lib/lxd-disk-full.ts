// "No space left on device" alone does not tell an operator where to make room: a host has several storage pools
// (and LXD's image store). When an LXD step fails for lack of space, the failure names the pools, fullest first, with
// what they hold now. LXD usually undoes a partial copy before it answers, so "fullest" is judged by the share
// used, and the figures are those of after the failure.
import type { ModuleContext } from './types.js';
import type { lxdGet } from './lxc.js';

/** ENOSPC as lxc, tar, rsync and MariaDB ("Errcode: 28", "Disk full") word it. */
const OUT_OF_SPACE = /no space left on device|ENOSPC|Errcode: 28|disk full/i;

export function saysOutOfSpace(text: string): boolean {
  return OUT_OF_SPACE.test(text);
}

export interface PoolSpace {
  name: string;
  driver: string;
  used: number;
  total: number;
}

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Pure: the sentence appended to the failure. */
export function describePools(pools: readonly PoolSpace[]): string {
  if (pools.length === 0) return 'the host is out of space (LXD reports no storage pool: check the disk holding /var/lib/lxd)';
  const share = (pool: PoolSpace) => (pool.total > 0 ? pool.used / pool.total : 0);
  const ordered = [...pools].sort((a, b) => share(b) - share(a) || a.name.localeCompare(b.name));
  const parts = ordered.map((pool) => `${pool.name} (${pool.driver}): ${size(Math.max(0, pool.total - pool.used))} free of ${size(pool.total)}, ${Math.round(share(pool) * 100)}% used`);
  return `the host is out of space: storage pool '${ordered[0]?.name}' is the fullest; pools now: ${parts.join('; ')}`;
}

interface PoolObject {
  name: string;
  driver: string;
}

interface PoolResources {
  space?: { used?: number; total?: number };
}

/** Reads every pool's space ('' when that read fails too: the original error stays the message). `get` is lxc.ts's
 * lxdGet, passed in because lxc.ts calls this (no import cycle). */
export async function outOfSpaceNote(ctx: ModuleContext, get: typeof lxdGet): Promise<string> {
  try {
    const pools = (await get<PoolObject[]>(ctx, '/1.0/storage-pools?recursion=1')) ?? [];
    const spaces: PoolSpace[] = [];
    for (const pool of pools) {
      const resources = await get<PoolResources>(ctx, `/1.0/storage-pools/${encodeURIComponent(pool.name)}/resources`);
      spaces.push({ name: String(pool.name), driver: String(pool.driver), used: Number(resources?.space?.used ?? 0), total: Number(resources?.space?.total ?? 0) });
    }
    return describePools(spaces);
  } catch {
    return '';
  }
}
