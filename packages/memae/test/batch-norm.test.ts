// memae's BatchNorm layer (src/models/batch-norm-layer.ts) normalises with one FusedBatchNorm kernel (on libtorch in
// training: one training-mode kernel and its gradient through the batch statistics); its output, gradients (x, gamma,
// beta) and running statistics must equal the explicit formula (x - mean) * gamma / sqrt(var + eps) + beta and
// PyTorch's running update, on tfjs cpu and on the test backend, for tabular, image and video ranks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm } from '../src/models/batch-norm-layer.js';
import { useTestBackend } from './helpers/backend.js';

const SHAPES = [[8, 6], [2, 5, 5, 6], [2, 3, 4, 5, 6]];

function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]));
}

test('BatchNorm in training matches the explicit formula, values and gradients', async () => {
  const testBackend = await useTestBackend();
  for (const backend of new Set(['cpu', testBackend])) {
    await tf.setBackend(backend);
    for (const shape of SHAPES) {
      tf.tidy(() => {
        const layer = new BatchNorm({ seed: 3 });
        layer.build(shape);
        const [gamma, beta] = layer.getWeights().slice(0, 2);
        // rank 5: the output of a 3D convolution (on libtorch an NDHWC view of NCDHW memory)
        const x = shape.length === 5
          ? tf.conv3d(tf.randomNormal([shape[0], shape[1], shape[2] * 2, shape[3] * 2, 2], 0.5, 2, 'float32', 1) as tf.Tensor5D,
            tf.randomNormal([3, 3, 3, 2, shape[4]], 0, 1, 'float32', 4) as tf.Tensor5D, [1, 2, 2], 'same')
          : tf.randomNormal(shape, 0.5, 2, 'float32', 1);
        const r = tf.randomNormal(shape, 0, 1, 'float32', 2);
        const axes = shape.slice(0, -1).map((_, i) => i);
        const viaLayer = (t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t, { training: true }) as tf.Tensor, r));
        const explicit = (t: tf.Tensor) => {
          const m = tf.moments(t, axes);
          return tf.sum(tf.mul(tf.add(tf.mul(tf.sub(t, m.mean), tf.div(gamma, tf.sqrt(tf.add(m.variance, 1e-5)))), beta), r));
        };
        const what = `${backend} [${shape}]`;
        assert.ok(maxRelDiff(viaLayer(x), explicit(x)) < 1e-5, `${what}: value`);
        assert.ok(maxRelDiff(tf.grad(viaLayer)(x), tf.grad(explicit)(x)) < 1e-4, `${what}: gradient`);
        // gamma and beta's gradients (the layer's own variables against the formula's)
        const [g, b] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const viaVars = tf.variableGrads(() => viaLayer(x) as tf.Scalar, [g, b]).grads;
        const [dGamma, dBeta] = tf.grads((gm: tf.Tensor, bt: tf.Tensor) => {
          const m = tf.moments(x, axes);
          return tf.sum(tf.mul(tf.add(tf.mul(tf.sub(x, m.mean), tf.div(gm, tf.sqrt(tf.add(m.variance, 1e-5)))), bt), r));
        })([gamma, beta]);
        assert.ok(maxRelDiff(viaVars[g.name], dGamma) < 1e-4, `${what}: gamma gradient`);
        assert.ok(maxRelDiff(viaVars[b.name], dBeta) < 1e-4, `${what}: beta gradient`);
        // running statistics, PyTorch's update (momentum 0.1, unbiased variance), from a fresh layer after one call
        const fresh = new BatchNorm({ seed: 3 });
        fresh.apply(x, { training: true });
        const m = tf.moments(x, axes), n = x.size / shape[shape.length - 1];
        const [runMean, runVar] = fresh.getWeights().slice(2);
        assert.ok(maxRelDiff(runMean, tf.mul(m.mean, 0.1)) < 1e-5, `${what}: running mean`);
        assert.ok(maxRelDiff(runVar, tf.add(0.9, tf.mul(m.variance, 0.1 * n / (n - 1)))) < 1e-5, `${what}: running variance`);
        fresh.weights.forEach((w) => w.dispose());
        layer.weights.forEach((w) => w.dispose());
      });
    }
  }
  await tf.setBackend(testBackend);
});
