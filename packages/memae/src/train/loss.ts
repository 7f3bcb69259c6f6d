// The training loss: L = MSE(x, x_rec) + alpha * entropy(w_hat) (MemAE) + w_sw * SW(encodings, target) (MAMA Net).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { entropyLoss } from '../memory/addressing.js';
import { cachedDirections, gaussianSamples, slicedWasserstein } from '../mama/wasserstein.js';

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

/** Runs the model on x and returns the loss parts (entropy is 0 without a memory, wasserstein 0 when off). */
export function computeLoss(model: tfl.LayersModel, x: tf.Tensor, weights: number | LossWeights, training: boolean): LossParts {
  const w: LossWeights = typeof weights === 'number' ? { entropyWeight: weights } : weights;
  const out = model.apply(x, { training }) as tf.Tensor | tf.Tensor[];
  const [rec, addressing, code] = Array.isArray(out) ? out : [out];
  const mse = tf.mean(tf.squaredDifference(x, rec)) as tf.Scalar;
  const entropy = addressing ? entropyLoss(addressing) : tf.scalar(0);
  let total = w.entropyWeight > 0 ? tf.add(mse, tf.mul(entropy, w.entropyWeight)) as tf.Scalar : mse;
  let wasserstein = tf.scalar(0);
  if ((w.wassersteinWeight ?? 0) > 0 && code) {
    wasserstein = encodingWasserstein(model, code, w);
    total = tf.add(total, tf.mul(wasserstein, w.wassersteinWeight!)) as tf.Scalar;
  }
  return { total, mse, entropy, wasserstein };
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
