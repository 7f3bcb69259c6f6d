// Summary statistics of a score distribution, and thresholds from a contamination ratio or a percentile.
import { UserError } from '../errors/user-error.js';
import { checkContamination, percentileOfSorted, sortedCopy } from '../metrics/threshold.js';

export { percentileOfSorted };

export interface ScoreStats { count: number; mean: number; std: number; min: number; max: number; percentiles: Record<string, number> }

export function scoreStats(scores: ArrayLike<number>): ScoreStats {
  const n = scores.length;
  if (n === 0) throw new UserError('no scores');
  const sorted = sortedCopy(scores);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  const percentiles: Record<string, number> = {};
  for (const p of [1, 5, 10, 25, 50, 75, 90, 95, 99]) percentiles[String(p)] = percentileOfSorted(sorted, p);
  return { count: n, mean, std: Math.sqrt(ss / n), min: sorted[0], max: sorted[n - 1], percentiles };
}

/** Threshold such that a fraction `contamination` of `scores` lies above it (PyOD's rule). */
export function thresholdFor(scores: ArrayLike<number>, sel: { contamination?: number; percentile?: number }): number {
  const sorted = sortedCopy(scores);
  if (sel.contamination !== undefined) return percentileOfSorted(sorted, 100 * (1 - checkContamination(sel.contamination)));
  if (sel.percentile !== undefined) return percentileOfSorted(sorted, sel.percentile);
  throw new UserError('give contamination or percentile');
}

/** 1001 quantiles (0%, 0.1%, ..., 100%) of the scores: a compact, savable score distribution. */
export function quantileTable(scores: ArrayLike<number>): number[] {
  const sorted = sortedCopy(scores);
  return Array.from({ length: 1001 }, (_, i) => percentileOfSorted(sorted, i / 10));
}

/** Percentile p (0..100) read from a quantile table (linear between its points). */
export function percentileFromTable(table: number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new UserError(`percentile must be in [0, 100], got ${p}`);
  return percentileOfSorted(table, p);
}

/** Indices of the rows kept (ascending): all but the floor(fraction * n) highest scores (ties: the lower index stays). */
export function lowestScored(scores: Float32Array, fraction: number): Int32Array {
  const n = scores.length;
  const keep = n - Math.min(n - 1, Math.floor(fraction * n));
  const order = Array.from(scores.keys()).sort((i, j) => scores[i] - scores[j] || i - j);
  return Int32Array.from(order.slice(0, keep).sort((i, j) => i - j));
}
