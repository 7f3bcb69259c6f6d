// The MemAE training loss: L = MSE(x, x_rec) + alpha * entropy(w_hat).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { entropyLoss } from '../memory/addressing.js';

export interface LossParts { total: tf.Scalar; mse: tf.Scalar; entropy: tf.Scalar }

/** Runs the model on x and returns the loss parts (entropy is 0 without a memory). */
export function computeLoss(model: tfl.LayersModel, x: tf.Tensor, entropyWeight: number, training: boolean): LossParts {
  const out = model.apply(x, { training }) as tf.Tensor | tf.Tensor[];
  const [rec, weights] = Array.isArray(out) ? out : [out];
  const mse = tf.mean(tf.squaredDifference(x, rec)) as tf.Scalar;
  const entropy = weights ? entropyLoss(weights) : tf.scalar(0);
  const total = entropyWeight > 0 ? tf.add(mse, tf.mul(entropy, entropyWeight)) as tf.Scalar : mse;
  return { total, mse, entropy };
}
