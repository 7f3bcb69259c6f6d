// ROC curve and the area under it, as sklearn's roc_curve / roc_auc_score.
import { binaryClfCurve } from './curve.js';
import { checkBothClasses, checkLabelsScores } from './validate.js';

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** score thresholds (predict anomaly when score >= threshold); the first is +Infinity (no sample flagged) */
  thresholds: Float64Array;
}

/**
 * ROC points for plotting: one per distinct score, plus the origin. With `dropIntermediate` (default, as sklearn),
 * points on a straight segment between their neighbours are left out (the curve and its area are unchanged).
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>, o: { dropIntermediate?: boolean } = {}): RocCurve {
  checkLabelsScores(labels, scores, 'ROC curve');
  const { positives, negatives } = checkBothClasses(labels, 'ROC curve');
  const c = binaryClfCurve(labels, scores);
  let keep = Int32Array.from({ length: c.tps.length }, (_, i) => i);
  if ((o.dropIntermediate ?? true) && c.tps.length > 2) {
    const k: number[] = [0];
    for (let i = 1; i < c.tps.length - 1; i++) {
      const d2f = c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1];
      const d2t = c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1];
      if (d2f !== 0 || d2t !== 0) k.push(i);
    }
    k.push(c.tps.length - 1);
    keep = Int32Array.from(k);
  }
  const m = keep.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const thresholds = new Float64Array(m);
  thresholds[0] = Infinity;
  keep.forEach((i, j) => {
    fpr[j + 1] = c.fps[i] / negatives;
    tpr[j + 1] = c.tps[i] / positives;
    thresholds[j + 1] = c.thresholds[i];
  });
  return { fpr, tpr, thresholds };
}

/** Trapezoidal area under a curve given by increasing x. */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return a;
}

/**
 * Area under the ROC curve: trapezoid over all distinct thresholds, so tied scores count one half
 * (identical to sklearn.metrics.roc_auc_score). Labels: 1 = anomaly (the positive class), 0 = normal.
 */
export function auroc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const r = rocCurve(labels, scores, { dropIntermediate: false });
  return trapezoid(r.fpr, r.tpr);
}
