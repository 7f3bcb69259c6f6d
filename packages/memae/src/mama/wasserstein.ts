// Sliced Wasserstein distance (squared, SW_2^2) between two point sets in R^C, as tfjs ops (differentiable in both).
// Each set is projected on L unit directions drawn once from a seeded generator (fixed for the run, so training and
// resume are deterministic); per direction the two empirical quantile functions are compared at
// m = min(|A|, |B|) levels (k + 0.5) / m (linear interpolation between ranks), which is the exact 1-D W_2^2 when |A| = |B|.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs' gradients
import { seededRng } from '../data/random.js';

/** L unit directions in R^dim (Gaussian draws normalised), [dim, L], deterministic in `seed`. */
export function sliceDirections(dim: number, count: number, seed: number): tf.Tensor2D {
  const rnd = seededRng(seed);
  const v = new Float32Array(dim * count);
  for (let l = 0; l < count; l++) {
    let norm = 0;
    const col: number[] = [];
    for (let d = 0; d < dim; d++) {
      // Box-Muller
      const g = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      col.push(g);
      norm += g * g;
    }
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) v[d * count + l] = col[d] / norm;
  }
  return tf.tensor2d(v, [dim, count]);
}

interface QuantilePlan { lo: Int32Array; hi: Int32Array; frac: Float32Array }

/** Quantile level (k + 0.5) / m sits at rank t = (k + 0.5) n / m - 0.5: linear interpolation between its neighbours
 *  (symmetric under x -> -x; exact ranks when n = m). */
function quantilePlan(n: number, m: number): QuantilePlan {
  const lo = new Int32Array(m), hi = new Int32Array(m), frac = new Float32Array(m);
  for (let k = 0; k < m; k++) {
    const t = Math.min(n - 1, Math.max(0, ((k + 0.5) * n) / m - 0.5));
    lo[k] = Math.floor(t);
    hi[k] = Math.min(n - 1, lo[k] + 1);
    frac[k] = t - lo[k];
  }
  return { lo, hi, frac };
}

/**
 * Each row's empirical quantiles at m levels: [L, n] -> [L, m]. A custom gradient (TopK has none in tfjs, and
 * the sort indices must stay off the tape): dy goes back to the elements at the interpolated ranks.
 */
function sortedQuantiles(rows: tf.Tensor2D, m: number): tf.Tensor2D {
  const [l, n] = rows.shape;
  const plan = quantilePlan(n, m);
  const f = tf.customGrad(((x: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const out = tf.tidy(() => {
      const order = tf.cast(tf.topk(tf.neg(x), n).indices, 'int32'); // ascending
      const offsets = tf.tensor2d(Int32Array.from({ length: l }, (_, i) => i * n), [l, 1], 'int32');
      const flatIdx = (p: Int32Array) => tf.reshape(tf.add(tf.gather(order, tf.tensor1d(p, 'int32'), 1), offsets), [-1]);
      const idx = tf.concat([flatIdx(plan.lo), flatIdx(plan.hi)]); // [2 L m] positions in the flat rows
      const vals = tf.reshape(tf.gather(tf.reshape(x, [-1]), idx), [2, l, m]);
      const w = tf.tensor3d(Float32Array.from([...plan.frac].map((v) => 1 - v).concat([...plan.frac])), [2, 1, m]);
      return { value: tf.sum(tf.mul(vals, w), 0), idx, w };
    });
    save([out.idx, out.w]);
    return {
      value: out.value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [idx, w] = saved;
        const updates = tf.reshape(tf.mul(tf.expandDims(dy, 0), w), [-1]);
        return tf.reshape(tf.scatterND(tf.reshape(idx, [-1, 1]), updates, [l * n]), [l, n]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(rows) as tf.Tensor2D;
}

/** SW_2^2 between point sets a [Na, C] and b [Nb, C] along `directions` [C, L]. */
export function slicedWasserstein(a: tf.Tensor2D, b: tf.Tensor2D, directions: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    if (a.shape[1] !== b.shape[1] || a.shape[1] !== directions.shape[0]) {
      throw new Error(`sliced Wasserstein: dimension mismatch (${a.shape[1]}, ${b.shape[1]}, ${directions.shape[0]})`);
    }
    const m = Math.min(a.shape[0], b.shape[0]);
    const pa = sortedQuantiles(tf.transpose(tf.matMul(a, directions)) as tf.Tensor2D, m);
    const pb = sortedQuantiles(tf.transpose(tf.matMul(b, directions)) as tf.Tensor2D, m);
    return tf.mean(tf.squaredDifference(pa, pb)) as tf.Scalar;
  });
}

const cache = new Map<string, tf.Tensor2D>();
/** Cached directions per (dim, count, seed); kept for the process lifetime (small: dim x count floats). */
export function cachedDirections(dim: number, count: number, seed: number): tf.Tensor2D {
  const key = `${dim}:${count}:${seed}`;
  let d = cache.get(key);
  if (!d || d.isDisposed) {
    d = tf.keep(sliceDirections(dim, count, seed));
    cache.set(key, d);
  }
  return d;
}

/** Samples of N(0, I), [n, dim], deterministic in `seed` (for the Gaussian-prior target). */
export function gaussianSamples(n: number, dim: number, seed: number): tf.Tensor2D {
  const rnd = seededRng(seed);
  const v = new Float32Array(n * dim);
  for (let i = 0; i < v.length; i++) v[i] = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return tf.tensor2d(v, [n, dim]);
}
