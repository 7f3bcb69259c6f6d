// Distance to the k-th nearest reference vector (or the mean of the k nearest), as tfjs matrix products over chunks
// of queries: the k-NN baseline (baselines/knn.ts) on raw features and the image models' code score
// (score/code-index.ts) on encoder codes. Node-free (the browser scores codes too).
import * as tf from '@tensorflow/tfjs-core';

/** 'largest': the distance to the k-th nearest; 'mean': the mean distance to the k nearest */
export const NEIGHBOUR_METHODS = ['largest', 'mean'] as const;
export type NeighbourMethod = typeof NEIGHBOUR_METHODS[number];

export interface NeighbourOptions {
  /** which neighbour (1 = the nearest) */
  k: number;
  method: NeighbourMethod;
  /** queries that are reference rows themselves: 1 drops that query's nearest match (itself, distance 0), as
   *  PyOD's training scores do; `true`: every query is a reference row */
  skipSelf?: boolean | Uint8Array;
}

/** The distances from each query row of `q` to its `k` nearest rows of `ref`, ascending ([queries, k]; `refSq`: the
 *  squared norms of `ref`'s rows). tfjs ops: call inside tf.tidy (or a recorded inference plan's tail). */
export function ascendingDistances(q: tf.Tensor2D, ref: tf.Tensor2D, refSq: tf.Tensor, k: number): tf.Tensor2D {
  // |q|^2 + |t|^2 - 2 q.t, clamped at 0 against rounding
  const sq = tf.relu(tf.add(tf.sub(tf.sum(tf.square(q), 1, true), tf.mul(tf.matMul(q, ref, false, true), 2)), refSq));
  return tf.sqrt(tf.neg(tf.topk(tf.neg(sq), k, true).values)) as tf.Tensor2D;
}

/** `rows` reference vectors of `features` values (row-major) against `n` queries: one distance per query. */
export function neighbourDistances(reference: Float32Array, rows: number, features: number, queries: Float32Array, n: number, o: NeighbourOptions): Float32Array {
  const anySelf = o.skipSelf === true || (o.skipSelf instanceof Uint8Array && o.skipSelf.some((v) => v !== 0));
  const k = Math.min(rows, o.k + (anySelf ? 1 : 0));
  const out = new Float32Array(n);
  const ref = tf.tensor2d(reference, [rows, features]);
  const refSq = tf.tidy(() => tf.sum(tf.square(ref), 1));
  const chunk = Math.max(1, Math.floor(4_000_000 / rows));
  try {
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const sorted = tf.tidy(() => ascendingDistances(tf.tensor2d(queries.subarray(s * features, (s + m) * features), [m, features]), ref, refSq, k));
      const d = sorted.dataSync() as Float32Array;
      sorted.dispose();
      for (let i = 0; i < m; i++) {
        const self = o.skipSelf === true || (o.skipSelf instanceof Uint8Array && o.skipSelf[s + i] !== 0);
        const first = i * k + (self ? 1 : 0), count = Math.min(o.k, k - (self ? 1 : 0));
        if (o.method === 'largest') out[s + i] = d[first + count - 1];
        else {
          let acc = 0;
          for (let j = 0; j < count; j++) acc += d[first + j];
          out[s + i] = acc / count;
        }
      }
    }
  } finally {
    tf.dispose([ref, refSq]);
  }
  return out;
}
