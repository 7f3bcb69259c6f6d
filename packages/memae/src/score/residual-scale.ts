// The tabular score: each feature's residual (x - reconstruction) standardised by its median and robust spread
// (1.4826 x MAD) on the training rows, squared, averaged over features: a diagonal, median/MAD Mahalanobis distance
// of the residual. A feature the model reconstructs badly on every row (noisy, hard to predict) no longer drowns the
// features it reconstructs well, where an anomaly shows. Each feature's term is capped at RESIDUAL_CLIP (|z| <= 5):
// one wildly off feature (a contaminated training part leaves some) counts as a clear deviation, not as the whole
// score, so rows off on several features rank above rows off on one. Chosen on validation parts of the training data of the
// tabular benchmark over the plain mean squared error (docs/accuracy-tabular.md). The statistics are saved with the
// model (manifest `tabularScore`), so `score`, `eval`, the service and the browser give the same numbers. Pure
// tfjs-core (the browser build imports it); fitting the statistics: score/residual-fit.ts.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { percentile } from '../metrics/threshold.js';

/** Most features a saved scale may hold (the manifest's bound on a dimension). */
const MAX_FEATURES = 1 << 20;
/** The cap on each feature's term z^2 of fits by this version, chosen on validation parts of the tabular benchmark
 *  (docs/accuracy-tabular.md): capping won on both seed halves (12 seeds, one network: MemAE 0.840 -> 0.846). 25
 *  rather than 9: equal for one network; with the 3-network default 9 gains 0.004 AUROC but loses average
 *  precision on both halves. The cap is saved with the model. */
export const RESIDUAL_CLIP = 25;

export const residualScaleSchema = z.strictObject({
  version: z.literal(1),
  /** per feature: median of the training rows' residuals */
  center: z.array(z.number().finite()).min(1).max(MAX_FEATURES),
  /** per feature: 1.4826 x their median absolute deviation, floored at 10% of the median over features */
  spread: z.array(z.number().finite().positive()).min(1).max(MAX_FEATURES),
  /** each feature's term ((r - center) / spread)^2 capped at this; absent (models saved before the cap): uncapped */
  clip: z.number().finite().positive().optional(),
}).refine((s) => s.center.length === s.spread.length, { message: 'center and spread differ in length' });
export type ResidualScale = z.infer<typeof residualScaleSchema>;

const median = (a: ArrayLike<number>): number => percentile(a, 50);

/** Median and floored 1.4826 x MAD of each feature of `residuals` (n rows of f values, row-major). */
export function residualScaleOf(residuals: Float32Array, f: number): ResidualScale {
  const n = residuals.length / f;
  const center: number[] = [], spread: number[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < f; j++) {
    for (let i = 0; i < n; i++) col[i] = residuals[i * f + j];
    const m = median(col);
    for (let i = 0; i < n; i++) col[i] = Math.abs(col[i] - m);
    center.push(m);
    spread.push(1.4826 * median(col));
  }
  // a feature reconstructed (almost) exactly on most rows must not dominate the score: floor at 10% of the typical spread
  const floor = Math.max(1e-6, 0.1 * median(Float64Array.from(spread)));
  return { version: 1, center, spread: spread.map((s) => Math.max(s, floor)), clip: RESIDUAL_CLIP };
}

/** Per-feature map ((x - rec - center) / spread)^2 of a batch [B, F], each term capped at `clip` when the scale has one. */
export function scaledResidualMap(x: tf.Tensor, rec: tf.Tensor, s: ResidualScale): tf.Tensor {
  return tf.tidy(() => {
    const sq = tf.square(tf.div(tf.sub(tf.sub(x, rec), tf.tensor1d(s.center)), tf.tensor1d(s.spread)));
    return s.clip === undefined ? sq : tf.minimum(sq, s.clip);
  });
}
