// Small numeric helpers shared by the benchmarks: medians of repeated runs and a least-squares line (memory
// projection). Kept apart so that the figures printed and the README table come from one definition.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface Line {
  slope: number;
  intercept: number;
}

/** Ordinary least squares through (x, y) points: memory = intercept + slope * hosts. */
export function fitLine(points: ReadonlyArray<readonly [number, number]>): Line {
  if (points.length < 2) throw new Error('a line needs at least two points');
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}
