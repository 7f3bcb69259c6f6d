// tfjs-backend-libtorch converts each convolution filter to ATen's layout once and keeps the conversion per filter
// tensor (native/conv.cc cachedFilter). Training updates the filters in place (memae's fused Adam: same tensors, same
// memory), so a cache keyed wrongly would keep serving the filters of before the update. After training steps,
// model.apply (the filters are the variables themselves) and scoreModel (folded filters, replayed) must equal the
// same computations with the cache off, at batch 1 (ATen's NCHW kernels) and batch 4 (oneDNN).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ArrayDataset } from '../src/data/dataset.js';
import { resolveConfig } from '../src/models/config.js';
import { scoreModel } from '../src/score/score.js';
import { adam } from '../src/train/adam.js';
import { referenceModel } from '../../../bench/reference-model.js';
import { assertClose, randomiseNorms } from './helpers/plan-models.js';
import { useTestBackend } from './helpers/backend.js';
import { mnistSlice } from './helpers/mnist.js';

test('after in-place training steps, inference with cached filters equals inference with the cache off', async (t) => {
  if ((await useTestBackend()) !== 'libtorch') {
    t.skip('libtorch backend not available');
    return;
  }
  const { loadAddon } = await import('tfjs-backend-libtorch');
  const addon = loadAddon();
  const d = await mnistSlice({ split: 'test', limit: 4 });
  const cfg = resolveConfig({ kind: 'image', variant: 'ae', inputShape: [28, 28, 1] });
  const data = new ArrayDataset(d.values, [28, 28, 1]);
  const model = referenceModel(4);
  randomiseNorms(model, 3);
  const x4 = tf.tensor(d.values, [4, 28, 28, 1]);
  const x1 = tf.slice(x4, 0, 1);
  const apply = async (x: tf.Tensor) => {
    const y = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor);
    const v = await y.data() as Float32Array;
    y.dispose();
    return v;
  };
  /** f's result with the converted-filter cache bypassed (every filter converted afresh) */
  const uncached = async <T>(f: () => Promise<T>): Promise<T> => {
    addon.setConvFilterCache(false);
    try {
      return await f();
    } finally {
      addon.setConvFilterCache(true);
    }
  };
  const score = async (batchSize: number) => (await scoreModel(model, cfg, data, { batchSize })).scores;

  // fill the cache: the variables (model.apply) and the folded plan's filters (scoreModel, recorded and replayed)
  const before = [await apply(x1), await apply(x4)];
  for (let i = 0; i < 3; i++) await score(1);
  await score(4);
  const [, conversions] = addon.convFilterCacheStats() as number[];
  await apply(x1);
  await apply(x4);
  assert.equal((addon.convFilterCacheStats() as number[])[1], conversions, 'no new conversion while the weights are unchanged');

  // training steps with the moving statistics fixed: only the fused Adam changes the weights, in place from its second step
  const opt = adam(1e-2);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(x4, model.apply(x4, { training: false }) as tf.Tensor) as tf.Scalar, vars);
    opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
  });
  step();
  for (let round = 1; round <= 2; round++) {
    const ids = vars.map((v) => v.dataId);
    step();
    step();
    assert.ok(vars.every((v, i) => v.dataId === ids[i]), 'the fused Adam updated the variables in place');
    for (const [x, what] of [[x1, 'batch 1'], [x4, 'batch 4']] as const) {
      const got = await apply(x);
      assert.ok(got.some((v, i) => Math.abs(v - before[what === 'batch 1' ? 0 : 1][i]) > 1e-4), `round ${round}, ${what}: training changed the outputs`);
      assertClose(got, await uncached(() => apply(x)), `round ${round}, ${what}: model.apply, cached vs uncached filters`);
    }
    for (const batch of [1, 4]) {
      assertClose(await score(batch), await uncached(() => score(batch)), `round ${round}: scoreModel at batch ${batch}, cached vs uncached filters`);
    }
  }
  opt.dispose();
  tf.dispose([x1, x4]);
  model.dispose();
});
