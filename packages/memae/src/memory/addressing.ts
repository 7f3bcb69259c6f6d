// Memory addressing as in the official MemAE code (memory_module.py), as plain tfjs ops.
// Queries are rows of a [Q, C] matrix; the memory is [N, C].
import * as tf from '@tensorflow/tfjs-core';

export type Similarity = 'dot' | 'cosine';

/** eps of the official code (hard shrinkage, L1 renormalisation, entropy). */
export const MEMORY_EPS = 1e-12;

/** Row-wise L2 normalisation as torch.nn.functional.normalize: x / max(||x||, 1e-12). */
function l2normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.maximum(tf.norm(x, 2, 1, true), MEMORY_EPS));
}

/** Softmax addressing weights w = softmax(sim(z, M)) over the N slots, [Q, N]. */
export function addressingLogits(queries: tf.Tensor2D, memory: tf.Tensor2D, similarity: Similarity): tf.Tensor2D {
  if (similarity === 'cosine') return tf.matMul(l2normalize(queries), l2normalize(memory), false, true);
  return tf.matMul(queries, memory, false, true);
}

/**
 * Continuous hard shrinkage w_hat = relu(w - lambda) * w / (|w - lambda| + eps), then L1 renormalisation
 * w_hat / max(sum(w_hat), eps) per row. Returns w unchanged when lambda = 0.
 */
export function hardShrink(w: tf.Tensor2D, lambda: number): tf.Tensor2D {
  if (lambda <= 0) return w;
  const shifted = tf.sub(w, lambda);
  const shrunk = tf.div(tf.mul(tf.relu(shifted), w), tf.add(tf.abs(shifted), MEMORY_EPS));
  return tf.div(shrunk, tf.maximum(tf.sum(tf.abs(shrunk), 1, true), MEMORY_EPS));
}

export interface AddressOptions {
  similarity: Similarity;
  shrinkThreshold: number;
}

/** Reads the memory: returns z_hat = w_hat M ([Q, C]) and the addressing weights w_hat ([Q, N]). */
export function readMemory(queries: tf.Tensor2D, memory: tf.Tensor2D, opts: AddressOptions): { output: tf.Tensor2D; weights: tf.Tensor2D } {
  const w = tf.softmax(addressingLogits(queries, memory, opts.similarity), -1);
  const weights = hardShrink(w, opts.shrinkThreshold);
  return { output: tf.matMul(weights, memory), weights };
}

/**
 * Entropy loss of the official code: mean over queries of -sum_i w_i log(w_i + eps).
 * `weights` has the slots on its last axis and any leading shape (one query per leading index).
 */
export function entropyLoss(weights: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const n = weights.shape[weights.rank - 1];
    const w = tf.reshape(weights, [-1, n]);
    return tf.mean(tf.neg(tf.sum(tf.mul(w, tf.log(tf.add(w, MEMORY_EPS))), 1)));
  });
}
