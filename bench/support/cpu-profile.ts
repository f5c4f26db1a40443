// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went, by self time per function, so that the
// bench can name file:line of airlock's hot spots instead of guessing.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  where: string;
  selfMs: number;
  share: number;
}

function isCpuProfile(value: unknown): value is CpuProfile {
  const profile = value as Partial<CpuProfile> | null;
  return Array.isArray(profile?.nodes) && Array.isArray(profile.samples) && Array.isArray(profile.timeDeltas);
}

function label(node: ProfileNode): string {
  const frame = node.callFrame;
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

/** Self time per function (samples attribute each tick to the function on top of the stack). */
export function hotSpots(path: string, top: number): { totalMs: number; spots: HotSpot[] } {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isCpuProfile(parsed)) throw new Error(`${path}: not a V8 CPU profile`);
  const byId = new Map(parsed.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  parsed.samples.forEach((id, index) => {
    const delta = parsed.timeDeltas[index] ?? 0;
    const node = byId.get(id);
    if (node === undefined) return;
    const key = label(node);
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    totalUs += delta;
  });
  const spots = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, us]) => ({ where, selfMs: us / 1000, share: totalUs === 0 ? 0 : us / totalUs }));
  return { totalMs: totalUs / 1000, spots };
}

/** Self time grouped by area (airlock src/<area>, each node_modules package, node internals, idle/GC). */
export function timeByArea(path: string): Array<{ area: string; selfMs: number; share: number }> {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isCpuProfile(parsed)) throw new Error(`${path}: not a V8 CPU profile`);
  const byId = new Map(parsed.nodes.map((node) => [node.id, node]));
  const areaUs = new Map<string, number>();
  let totalUs = 0;
  parsed.samples.forEach((id, index) => {
    const delta = parsed.timeDeltas[index] ?? 0;
    const url = byId.get(id)?.callFrame.url ?? '';
    const name = byId.get(id)?.callFrame.functionName ?? '';
    let area = 'node internals';
    const src = /\/dist\/src\/([^/]+)\//.exec(url);
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (src) area = `airlock src/${src[1] ?? ''}`;
    else if (pkg) area = `node_modules/${pkg[1] ?? ''}`;
    else if (url === '') area = name.startsWith('(') ? name : 'native';
    areaUs.set(area, (areaUs.get(area) ?? 0) + delta);
    totalUs += delta;
  });
  return [...areaUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([area, us]) => ({ area, selfMs: us / 1000, share: totalUs === 0 ? 0 : us / totalUs }));
}
