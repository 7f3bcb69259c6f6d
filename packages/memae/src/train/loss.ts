// The training loss: L = MSE(x, x_rec) + alpha * entropy(w_hat) (MemAE) + w_sw * SW(encodings, target) (MAMA Net).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { entropyLoss } from '../memory/addressing.js';
import { cachedDirections, gaussianSamples, slicedWasserstein } from '../mama/wasserstein.js';
import { lowestScored } from '../score/stats.js';

export interface LossParts { total: tf.Scalar; mse: tf.Scalar; entropy: tf.Scalar; wasserstein: tf.Scalar }

/** Loss weights; a number is the entropy weight alone (MemAE). */
export interface LossWeights {
  entropyWeight: number;
  /** MAMA Net: weight of SW(encodings, target); needs the model's third output (the encodings) */
  wassersteinWeight?: number;
  swProjections?: number;
  swTarget?: 'memory' | 'gaussian';
  seed?: number;
}

/** Training-only changes to the reconstruction term (train/defaults.ts: trimFraction, inputNoise). */
export interface RobustLoss {
  /** leave this fraction of the batch's highest-error rows out of the reconstruction error (trimmed loss) */
  trim?: number;
  /** std of Gaussian noise added to the model's input; the target stays x (denoising) */
  noise?: number;
  /** seed of that noise (vary it per step) */
  noiseSeed?: number;
}

/** Runs the model on x and returns the loss parts (entropy is 0 without a memory, wasserstein 0 when off). */
export function computeLoss(model: tfl.LayersModel, x: tf.Tensor, weights: number | LossWeights, training: boolean, robust: RobustLoss = {}): LossParts {
  const w: LossWeights = typeof weights === 'number' ? { entropyWeight: weights } : weights;
  const input = (robust.noise ?? 0) > 0 ? tf.add(x, tf.randomNormal(x.shape, 0, robust.noise, 'float32', robust.noiseSeed ?? 0)) : x;
  const out = model.apply(input, { training }) as tf.Tensor | tf.Tensor[];
  const [rec, addressing, code] = Array.isArray(out) ? out : [out];
  const mse = (robust.trim ?? 0) > 0 ? trimmedMse(x, rec, robust.trim!) : tf.mean(tf.squaredDifference(x, rec)) as tf.Scalar;
  const entropy = addressing ? entropyLoss(addressing) : tf.scalar(0);
  let total = w.entropyWeight > 0 ? tf.add(mse, tf.mul(entropy, w.entropyWeight)) as tf.Scalar : mse;
  let wasserstein = tf.scalar(0);
  if ((w.wassersteinWeight ?? 0) > 0 && code) {
    wasserstein = encodingWasserstein(model, code, w);
    total = tf.add(total, tf.mul(wasserstein, w.wassersteinWeight!)) as tf.Scalar;
  }
  return { total, mse, entropy, wasserstein };
}

/**
 * Mean squared error over the rows of the batch that remain after leaving out its floor(trim * B) highest-error rows
 * (at least one row stays). Which rows go is read from the values (a constant mask), so the left-out rows give no
 * gradient at all: the model stops fitting the anomalies of a contaminated training set.
 */
export function trimmedMse(x: tf.Tensor, rec: tf.Tensor, trim: number): tf.Scalar {
  const b = x.shape[0];
  const rows = tf.mean(tf.reshape(tf.squaredDifference(x, rec), [b, -1]), 1);
  const drop = Math.min(b - 1, Math.floor(trim * b));
  if (drop <= 0) return tf.mean(rows) as tf.Scalar;
  const keep = new Float32Array(b);
  for (const r of lowestScored(rows.dataSync() as Float32Array, trim)) keep[r] = 1 / (b - drop);
  return tf.sum(tf.mul(rows, tf.tensor1d(keep))) as tf.Scalar;
}

/** The SW loss's projection directions for encodings of dimension `dim`: fixed for a run, seeded by the model seed. */
export const swDirections = (dim: number, projections: number, seed: number): tf.Tensor2D => cachedDirections(dim, projections, seed + 7919);

/** SW_2^2 between the batch's encodings (one per memory query: a code position, or the whole code) and the memory
 *  slots or N(0, I) samples. The same for every data kind: the encodings are flattened to [queries, C]. */
function encodingWasserstein(model: tfl.LayersModel, code: tf.Tensor, w: LossWeights): tf.Scalar {
  const c = code.shape[code.rank - 1];
  const queries = tf.reshape(code, [-1, c]) as tf.Tensor2D;
  const seed = w.seed ?? 0;
  const directions = swDirections(c, w.swProjections ?? 64, seed);
  let target: tf.Tensor2D;
  if (w.swTarget === 'gaussian') target = gaussianSamples(queries.shape[0], c, seed + 104729);
  else target = (model.getLayer('memory') as unknown as { memoryMatrix: tf.Tensor2D }).memoryMatrix;
  return slicedWasserstein(queries, target, directions);
}
