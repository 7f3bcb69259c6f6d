// Summary statistics of a score distribution, and thresholds from a contamination ratio or a percentile.
import { UserError } from '../errors/user-error.js';

export interface ScoreStats { count: number; mean: number; std: number; min: number; max: number; percentiles: Record<string, number> }

/** Linear-interpolated percentile (0..100) of sorted values (numpy's default method). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new UserError('no scores to take a percentile of');
  if (!(p >= 0 && p <= 100)) throw new UserError(`percentile must be in [0, 100], got ${p}`);
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function scoreStats(scores: ArrayLike<number>): ScoreStats {
  const n = scores.length;
  if (n === 0) throw new UserError('no scores');
  const sorted = Float64Array.from(scores).sort();
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
  const sorted = Float64Array.from(scores).sort();
  if (sel.contamination !== undefined) {
    if (!(sel.contamination > 0 && sel.contamination < 0.5)) throw new UserError(`contamination must be in (0, 0.5), got ${sel.contamination}`);
    return percentileOfSorted(sorted, 100 * (1 - sel.contamination));
  }
  if (sel.percentile !== undefined) return percentileOfSorted(sorted, sel.percentile);
  throw new UserError('give contamination or percentile');
}

/** 1001 quantiles (0%, 0.1%, ..., 100%) of the scores: a compact, savable score distribution. */
export function quantileTable(scores: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(scores).sort();
  return Array.from({ length: 1001 }, (_, i) => percentileOfSorted(sorted, i / 10));
}

/** Percentile p (0..100) read from a quantile table (linear between its points). */
export function percentileFromTable(table: number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new UserError(`percentile must be in [0, 100], got ${p}`);
  return percentileOfSorted(table, p);
}
