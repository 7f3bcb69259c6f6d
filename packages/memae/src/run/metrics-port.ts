// Summary metrics and curves of a scored test set, from the metrics module (sklearn-compatible).
import { auroc, averagePrecision, prCurve, reportAtThreshold, rocCurve } from '../metrics/index.js';
import type { Metrics } from './run-files.js';

export function evaluateScores(scores: Float32Array, labels: Uint8Array | undefined, threshold: number | null): Metrics {
  if (!labels) return { auroc: null, threshold };
  let anomalies = 0;
  for (const l of labels) anomalies += l;
  const counts = { normalCount: labels.length - anomalies, anomalyCount: anomalies };
  if (anomalies === 0 || anomalies === labels.length) return { auroc: null, threshold, ...counts };
  const roc = rocCurve(labels, scores);
  const pr = prCurve(labels, scores);
  const m: Metrics = {
    auroc: auroc(labels, scores),
    auprc: averagePrecision(labels, scores),
    roc: { x: Array.from(roc.fpr), y: Array.from(roc.tpr) },
    pr: { x: Array.from(pr.recall), y: Array.from(pr.precision) },
    threshold,
    ...counts,
  };
  if (threshold !== null) {
    const r = reportAtThreshold(labels, scores, threshold);
    Object.assign(m, { precision: r.precision, recall: r.recall, f1: r.f1 });
  }
  return m;
}
