// Thresholds on anomaly scores and the classification metrics they give.
import { checkLabelsScores } from './validate.js';
import { UserError } from '../errors/user-error.js';

/** Linear-interpolated percentile q (0..100) of already sorted values (numpy.percentile's default method). */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new UserError(`percentile must be in [0, 100], got ${q}`);
  if (sorted.length === 0) throw new UserError('percentile of no values');
  const h = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Ascending float64 copy of the values; a NaN is a user error. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(values as ArrayLike<number>);
  for (const v of s) if (Number.isNaN(v)) throw new UserError('percentile: the scores contain NaN');
  return s.sort();
}

/** q-th percentile (0..100) with linear interpolation between order statistics (numpy.percentile's default). */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new UserError(`percentile must be in [0, 100], got ${q}`);
  if (values.length === 0) throw new UserError('percentile of no values');
  return percentileOfSorted(sortedCopy(values), q);
}

/** The one contamination range of the library (PyOD's): a fraction in (0, 0.5]. */
export function checkContamination(c: number): number {
  if (!(c > 0 && c <= 0.5)) throw new UserError(`contamination must be in (0, 0.5], got ${c}`);
  return c;
}

/**
 * Threshold that flags a fraction `contamination` of `scores` as anomalous: the (1 - contamination) quantile.
 * Pass the scores the protocol names (e.g. KDD: training and test scores together).
 */
export function thresholdFromContamination(scores: ArrayLike<number>, contamination: number): number {
  return percentile(scores, 100 * (1 - checkContamination(contamination)));
}

/** Threshold at the q-th percentile of the scores of (normal) training data, e.g. q = 95 or 99. */
export const thresholdFromTrainingPercentile = (trainScores: ArrayLike<number>, q: number): number => percentile(trainScores, q);

/** 1 (anomaly) where score > threshold, else 0. */
export function predict(scores: ArrayLike<number>, threshold: number): Uint8Array {
  const p = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) p[i] = scores[i] > threshold ? 1 : 0;
  return p;
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface BinaryReport extends Confusion {
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

/** Precision, recall and F1 of the anomaly class (label 1); 0 where undefined (sklearn's zero_division=0). */
export function binaryReport(labels: ArrayLike<number>, predicted: ArrayLike<number>): BinaryReport {
  checkLabelsScores(labels, predicted, 'precision/recall');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] !== 0 && predicted[i] !== 1) throw new UserError(`precision/recall: prediction ${predicted[i]} at index ${i} is not 0 or 1`);
    const pos = labels[i] === 1;
    if (predicted[i] === 1) {
      if (pos) tp++;
      else fp++;
    } else if (pos) fn++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, tn, fn, precision, recall, f1, accuracy: (tp + tn) / labels.length };
}

/** binaryReport of the predictions score > threshold. */
export function reportAtThreshold(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): BinaryReport & { threshold: number } {
  checkLabelsScores(labels, scores, 'precision/recall');
  return { ...binaryReport(labels, predict(scores, threshold)), threshold };
}
