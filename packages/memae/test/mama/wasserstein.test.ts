// Sliced Wasserstein distance: zero on identical sets, the exact 1-D value by hand, invariance to order,
// positive and differentiable in both sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { slicedWasserstein, sliceDirections } from '../../src/mama/wasserstein.js';
import { useTestBackend } from '../helpers/backend.js';

test('sliced Wasserstein: 0 for identical (and permuted) sets', async () => {
  await useTestBackend();
  const a = tf.randomNormal([20, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
  const perm = tf.gather(a, tf.tensor1d([...Array(20).keys()].reverse(), 'int32')) as tf.Tensor2D;
  const d = sliceDirections(5, 16, 7);
  assert.ok(Math.abs((await slicedWasserstein(a, a, d).data())[0]) < 1e-10);
  assert.ok(Math.abs((await slicedWasserstein(a, perm, d).data())[0]) < 1e-10);
  const b = tf.add(a, 0.5) as tf.Tensor2D;
  assert.ok((await slicedWasserstein(a, b, d).data())[0] > 0.01);
  tf.dispose([a, perm, d, b]);
});

test('sliced Wasserstein: hand-computed 1-D case, equal and unequal sizes', async () => {
  await useTestBackend();
  // in 1-D every direction is +1 or -1; sorted pairs (0, 1), (1, 3): W2^2 = (1 + 4) / 2 = 2.5
  const d = sliceDirections(1, 4, 3);
  const a = tf.tensor2d([[1], [0]]);
  const b = tf.tensor2d([[3], [1]]);
  assert.ok(Math.abs((await slicedWasserstein(a, b, d).data())[0] - 2.5) < 1e-5);
  // a = {0, 1, 2, 3} vs b = {10, 20}: quantile levels 1/4, 3/4 sit at ranks 0.5 and 2.5 of a (values 0.5, 2.5):
  // ((10 - 0.5)^2 + (20 - 2.5)^2) / 2 = 198.25, the same for both directions +1 and -1
  const a4 = tf.tensor2d([[2], [0], [3], [1]]);
  const b2 = tf.tensor2d([[20], [10]]);
  assert.ok(Math.abs((await slicedWasserstein(a4, b2, d).data())[0] - 198.25) < 1e-3);
  tf.dispose([d, a, b, a4, b2]);
});

test('sliced Wasserstein: differentiable in both sets; gradient descent lowers it', async () => {
  await useTestBackend();
  const a = tf.variable(tf.randomNormal([16, 3], 0, 1, 'float32', 1), true, 'sw_a');
  const b = tf.variable(tf.randomNormal([8, 3], 2, 1, 'float32', 2), true, 'sw_b');
  const d = sliceDirections(3, 8, 1);
  const f = () => slicedWasserstein(a as unknown as tf.Tensor2D, b as unknown as tf.Tensor2D, d);
  const before = (await f().data())[0];
  const { value, grads } = tf.variableGrads(f, [a, b]);
  assert.ok((await grads[a.name].data()).some((v) => v !== 0));
  assert.ok((await grads[b.name].data()).some((v) => v !== 0));
  const opt = tf.train.sgd(0.2);
  for (let i = 0; i < 20; i++) opt.minimize(f, false, [a, b]);
  const after = (await f().data())[0];
  assert.ok(after < before * 0.5, `${before} -> ${after}`);
  tf.dispose([a, b, d, value, ...Object.values(grads)]);
  opt.dispose();
});
