// Hash-addressing memory (MAMA Net). Queries and memory slots are hashed to binary codes by the same learned
// projection followed by sign; each query reads the slot(s) nearest in Hamming distance. Forward values are exact
// (one-hot for k = 1, softmax of -distance over the k nearest for k > 1); gradients reach
//   - the memory content through output = w M,
//   - the projection, the queries and the slots' codes through two straight-through paths: sign's backward is the
//     clipped identity (dy * [|x| <= 1]), and the hard selection's backward is that of softmax(-distance) over all
//     slots (w = hard + soft - stop_gradient(soft)).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs' gradients

/** sign(x) in {-1, +1} (sign(0) = +1) with the clipped straight-through gradient dy * [|x| <= 1]. */
export const signSte: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.sub(tf.mul(tf.cast(tf.greaterEqual(x, 0), 'float32'), 2), 1),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]), 1), 'float32')),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

/** Identity forward, zero gradient (tfjs has no stopGradient op). */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

/** Binary codes in {-1, +1}: sign(rows @ projection), [R, bits]. */
export function hashCodes(rows: tf.Tensor2D, projection: tf.Tensor2D): tf.Tensor2D {
  return signSte(tf.matMul(rows, projection)) as tf.Tensor2D;
}

/** Hamming distances between {-1, +1} codes: (bits - a . b) / 2, [Qa, Qb]. */
export function hammingDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const bits = a.shape[1];
  return tf.div(tf.sub(bits, tf.matMul(a, b, false, true)), 2);
}

/**
 * Hard top-k weights from distances [Q, N]: the k nearest slots (ties broken by the lower index) weighted by
 * softmax(-distance) among themselves; exactly one-hot for k = 1. No gradient (a constant of the graph).
 */
export function topKWeights(distance: tf.Tensor2D, k: number): tf.Tensor2D {
  // computed inside a custom gradient (zero gradient), so TopK (which has no gradient in tfjs) is off the tape
  const f = tf.customGrad(((d: tf.Tensor2D) => ({
    value: tf.tidy(() => {
      const [q, n] = d.shape;
      // k = 1: argmin (first minimum, so ties go to the lower index) is much cheaper than TopK
      if (k === 1) return tf.cast(tf.oneHot(tf.cast(tf.argMin(d, 1), 'int32'), n), 'float32');
      const { values, indices } = tf.topk(tf.neg(d), k); // values = -distance of the k nearest
      const sel = tf.softmax(values, -1); // [Q, k]
      const oneHot = tf.oneHot(tf.cast(tf.reshape(indices, [-1]), 'int32'), n); // [Q*k, N]
      return tf.sum(tf.mul(tf.reshape(oneHot, [q, k, n]), tf.expandDims(sel, 2)), 1);
    }),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(distance) as tf.Tensor2D;
}

export interface HashReadOptions {
  /** slots read per query (default 1) */
  topK?: number;
  /** add the straight-through soft path for training (default true) */
  straightThrough?: boolean;
}

/** Reads the memory by hashing: returns z_hat = w M ([Q, C]) and w ([Q, N]). */
export function hashReadMemory(queries: tf.Tensor2D, memory: tf.Tensor2D, projection: tf.Tensor2D, opts: HashReadOptions = {}): { output: tf.Tensor2D; weights: tf.Tensor2D; distance: tf.Tensor2D } {
  const k = opts.topK ?? 1;
  const n = memory.shape[0];
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`hash memory: topK must be an integer in [1, ${n}], got ${k}`);
  const distance = hammingDistance(hashCodes(queries, projection), hashCodes(memory, projection));
  let weights = topKWeights(distance, k);
  if (opts.straightThrough ?? true) {
    const soft = tf.softmax(tf.neg(distance), -1);
    weights = tf.add(weights, tf.sub(soft, stopGradient(soft))) as tf.Tensor2D;
  }
  return { output: tf.matMul(weights, memory), weights, distance };
}
