// Score -> probability conversions of PyOD's BaseDetector: predict_proba ('linear', 'unify') and
// predict_confidence (ExCeeD, Perini et al. 2020). jStat supplies erf and the regularised incomplete beta.
import jstatPkg from 'jstat';
import { UserError } from '../errors/user-error.js';
import type { ScoreDistribution } from './score-distribution.js';

const { jStat } = jstatPkg;

export type ProbaMethod = 'linear' | 'unify';

/** P(anomaly) per score: min-max scaled by the training scores and clipped ('linear'), or erf of the z-score ('unify'). */
export function outlierProbability(scores: ArrayLike<number>, train: ScoreDistribution, method: ProbaMethod = 'linear'): Float32Array {
  const { min, max, mean, std } = train.summary;
  const out = new Float32Array(scores.length);
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  if (method === 'linear') {
    const span = max - min;
    for (let i = 0; i < scores.length; i++) out[i] = clip(span > 0 ? (scores[i] - min) / span : 0);
  } else if (method === 'unify') {
    for (let i = 0; i < scores.length; i++) out[i] = clip(std > 0 ? jStat.erf((scores[i] - mean) / (std * Math.SQRT2)) : 0);
  } else {
    throw new UserError(`predictProba method must be "linear" or "unify", got "${String(method)}"`);
  }
  return out;
}

/** Binomial CDF P(X <= k), X ~ Bin(n, p): I_{1-p}(n - k, k + 1); a normal approximation past jStat's range. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  // jStat's continued fraction stops after 100 terms: enough for n up to a few thousand
  if (n <= 4000) return jStat.ibeta(1 - p, n - k, k + 1);
  return jStat.normal.cdf(k + 0.5, n * p, Math.sqrt(n * p * (1 - p)) || 1e-12);
}

/**
 * ExCeeD confidence of each prediction: the probability that the detector would give the same label were it
 * trained again on data of the same size (1 = sure). `predicted` are the 0/1 labels at the current threshold.
 */
export function exceedConfidence(scores: ArrayLike<number>, predicted: ArrayLike<number>, train: ScoreDistribution, contamination: number): Float32Array {
  const n = train.summary.count;
  const k = n - Math.floor(n * contamination);
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const p = (1 + train.countAtOrBelow(scores[i])) / (2 + n);
    const conf = 1 - binomialCdf(k, n, p);
    out[i] = predicted[i] === 1 ? conf : 1 - conf;
  }
  return out;
}
