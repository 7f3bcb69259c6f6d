// The training-score distribution a detector keeps after fit: exact (all scores) or, for models saved with only
// a quantile table (MemAE manifests), read from that table. Thresholds, probabilities and confidence use it.
import { UserError } from '../errors/user-error.js';
import { percentileOfSorted, sortedCopy } from '../metrics/threshold.js';

export interface ScoreSummary { count: number; mean: number; std: number; min: number; max: number }

export class ScoreDistribution {
  private constructor(
    readonly summary: ScoreSummary,
    /** ascending scores (exact) or the 1001-point quantile table (approximate) */
    private readonly sorted: ArrayLike<number>,
    readonly exact: boolean,
  ) {}

  static fromScores(scores: ArrayLike<number>): ScoreDistribution {
    if (scores.length === 0) throw new UserError('no training scores');
    const s = sortedCopy(scores);
    let sum = 0;
    for (const v of s) sum += v;
    const mean = sum / s.length;
    let ss = 0;
    for (const v of s) ss += (v - mean) ** 2;
    return new ScoreDistribution({ count: s.length, mean, std: Math.sqrt(ss / s.length), min: s[0], max: s[s.length - 1] }, s, true);
  }

  /** From a summary and an ascending quantile table (0%..100% evenly spaced). */
  static fromQuantiles(summary: ScoreSummary, quantiles: number[]): ScoreDistribution {
    if (quantiles.length < 2) throw new UserError('a quantile table needs at least 2 points');
    return new ScoreDistribution(summary, quantiles, false);
  }

  /** The training scores themselves (ascending) when kept, else undefined. */
  get scores(): Float64Array | undefined { return this.exact ? (this.sorted as Float64Array) : undefined; }

  percentile(p: number): number { return percentileOfSorted(this.sorted, p); }

  /** How many training scores are <= x (exact, or interpolated in the quantile table). */
  countAtOrBelow(x: number): number {
    const s = this.sorted;
    // first index with s[i] > x
    let lo = 0, hi = s.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (s[m] <= x) lo = m + 1; else hi = m; }
    if (this.exact) return lo;
    if (lo === 0) return 0;
    if (lo === s.length) return this.summary.count;
    const frac = (lo - 1 + (x - s[lo - 1]) / (s[lo] - s[lo - 1] || 1)) / (s.length - 1);
    return Math.round(frac * this.summary.count);
  }
}
