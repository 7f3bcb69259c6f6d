// Cumulative true/false positive counts at every distinct score threshold, highest first
// (the same construction as sklearn's _binary_clf_curve, so ties are handled identically).
export interface ClfCurve {
  /** distinct scores, decreasing */
  thresholds: Float64Array;
  /** anomalies (label 1) with score >= threshold */
  tps: Float64Array;
  /** normals (label 0) with score >= threshold */
  fps: Float64Array;
}

export function binaryClfCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): ClfCurve {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const th: number[] = [];
  const tp: number[] = [];
  const fp: number[] = [];
  let t = 0;
  let f = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (labels[i] === 1) t++;
    else f++;
    // close a group at the last sample of each run of equal scores
    if (k === n - 1 || scores[order[k + 1]] !== scores[i]) {
      th.push(scores[i]);
      tp.push(t);
      fp.push(f);
    }
  }
  return { thresholds: Float64Array.from(th), tps: Float64Array.from(tp), fps: Float64Array.from(fp) };
}
