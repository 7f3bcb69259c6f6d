// Shared by the inference-plan and native-replay tests: trained-like batch-norm statistics, and the 1e-5 comparison
// of a plan's outputs with model.apply.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Moving statistics as after training (the fresh ones, mean 0 and variance 1, would make folding nearly trivial). */
export function randomiseNorms(model: tfl.LayersModel, seed: number): void {
  let k = seed;
  for (const l of model.layers) {
    if (!/BatchNorm/.test(l.getClassName())) continue;
    const ws = l.getWeights();
    const values = ws.map((w, i) => tf.tidy(() => {
      const u = tf.randomUniform(w.shape, 0, 1, 'float32', k++);
      // the variance is the last weight in both layers
      return i === ws.length - 1 ? tf.add(tf.mul(u, 2), 0.1) : tf.sub(tf.mul(u, 2), 1);
    }));
    l.setWeights(values);
    tf.dispose(values);
  }
}

/** a equals b to 1e-5 relative to b's largest magnitude (at least 1), and b is not all near zero. */
export function assertClose(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length);
  let scale = 0, diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  assert.ok(scale > 1e-3, `${what}: outputs all near zero (${scale})`);
  assert.ok(diff <= 1e-5 * Math.max(1, scale), `${what}: max difference ${diff} (largest output ${scale})`);
}
