// Precision-recall curve and average precision, as sklearn's precision_recall_curve / average_precision_score.
import { binaryClfCurve } from './curve.js';
import { checkBothClasses, checkLabelsScores } from './validate.js';

export interface PrCurve {
  /** precision, recall: by increasing threshold, ending with the point (recall 0, precision 1) */
  precision: Float64Array;
  recall: Float64Array;
  /** distinct scores, increasing (one fewer than the points); anomaly when score >= threshold */
  thresholds: Float64Array;
}

export function prCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): PrCurve {
  checkLabelsScores(labels, scores, 'precision-recall curve');
  const { positives } = checkBothClasses(labels, 'precision-recall curve');
  const c = binaryClfCurve(labels, scores);
  const m = c.tps.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thresholds = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const i = m - 1 - j;
    const flagged = c.tps[i] + c.fps[i];
    precision[j] = flagged > 0 ? c.tps[i] / flagged : 0;
    recall[j] = c.tps[i] / positives;
    thresholds[j] = c.thresholds[i];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds };
}

/**
 * Average precision: sum over thresholds of (R_n - R_{n-1}) * P_n, no interpolation
 * (identical to sklearn.metrics.average_precision_score); the usual "AUPR" of anomaly-detection papers.
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { precision, recall } = prCurve(labels, scores);
  let ap = 0;
  for (let j = 0; j < recall.length - 1; j++) ap += (recall[j] - recall[j + 1]) * precision[j];
  return ap;
}

export const aupr = averagePrecision;
