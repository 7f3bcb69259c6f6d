// MAMA Net as a MemAE variant: defaults and flags, output shapes for every ablation switch, the SW term in the
// loss, and train -> save -> MemAE.load -> identical scores on real MNIST slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, resolveConfig, type ModelOptions } from '../../src/models/index.js';
import { computeLoss } from '../../src/train/loss.js';
import { lossWeights } from '../../src/train/trainer.js';
import { MemAE } from '../../src/detector/memae.js';
import { UserError } from '../../src/errors/user-error.js';
import { useTestBackend } from '../helpers/backend.js';
import { expectSameAfterReload } from '../helpers/reload.js';
import { mnistSlice } from '../helpers/mnist.js';

// per-location queries (the layout docs/mama.md describes); the whole-code default is covered in models.test.ts
const tiny: ModelOptions = { kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], slots: 12, hashBits: 8, memoryQuery: 'location' };

test('mama config: all parts on by default, no shrinkage/entropy with hash memory; flags for ablations; clear errors', () => {
  const c = resolveConfig({ ...tiny, variant: 'mama' });
  assert.deepEqual([c.attention, c.hashMemory, c.wassersteinWeight > 0, c.shrinkThreshold, c.entropyWeight], [true, true, true, 0, 0]);
  const m = resolveConfig({ ...tiny, variant: 'memae' });
  assert.deepEqual([m.attention, m.hashMemory, m.wassersteinWeight], [false, false, 0]);
  const soft = resolveConfig({ ...tiny, variant: 'mama', hashMemory: false });
  assert.ok(soft.entropyWeight > 0 && soft.shrinkThreshold > 0);
  assert.throws(() => resolveConfig({ kind: 'tabular', inputShape: [10], variant: 'mama' }), UserError);
  assert.throws(() => resolveConfig({ ...tiny, variant: 'ae', hashMemory: true }), /need a memory/);
  assert.throws(() => resolveConfig({ ...tiny, variant: 'mama', hashTopK: 13 }), /hashTopK/);
  assert.throws(() => resolveConfig({ ...tiny, variant: 'mama', attentionScales: [0] }), /attentionScales/);
});

test('mama model: outputs for each switch (encodings appear only with the SW loss)', async () => {
  await useTestBackend();
  const cases: [ModelOptions, number[][]][] = [
    [{ ...tiny, variant: 'ae', attention: true }, [[2, 28, 28, 1]]],
    [{ ...tiny, variant: 'memae', attention: true }, [[2, 28, 28, 1], [2, 4, 4, 12]]],
    [{ ...tiny, variant: 'memae', hashMemory: true }, [[2, 28, 28, 1], [2, 4, 4, 12]]],
    [{ ...tiny, variant: 'memae', wassersteinWeight: 0.1 }, [[2, 28, 28, 1], [2, 4, 4, 12], [2, 4, 4, 8]]],
    [{ ...tiny, variant: 'mama' }, [[2, 28, 28, 1], [2, 4, 4, 12], [2, 4, 4, 8]]],
    [{ ...tiny, variant: 'mama', memoryQuery: 'code' }, [[2, 28, 28, 1], [2, 12], [2, 128]]],
  ];
  for (const [o, shapes] of cases) {
    const cfg = resolveConfig(o);
    const model = buildModel(cfg);
    const got = tf.tidy(() => [model.apply(tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 1), { training: false }) as tf.Tensor | tf.Tensor[]].flat().map((t) => t.shape));
    assert.deepEqual(got, shapes, JSON.stringify(o));
    const names = model.layers.map((l) => l.getClassName());
    assert.equal(names.includes('MamaAttentionBlock'), cfg.attention);
    assert.equal(names.includes('MamaHashMemory'), cfg.hashMemory);
    // the loss has the SW term exactly when it is on
    const w = tf.tidy(() => computeLoss(model, tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 2), lossWeights(cfg), true).wasserstein.dataSync()[0]);
    assert.equal(w > 0, cfg.wassersteinWeight > 0);
    model.dispose();
  }
});

test('mama detector: trains on real MNIST, every weight gets a gradient, save -> MemAE.load scores the same', async () => {
  await useTestBackend();
  const train = await mnistSlice({ split: 'train', digits: [1], limit: 48 });
  const test = await mnistSlice({ split: 'test', limit: 40, normal: [1] });
  const det = await MemAE.create({ ...tiny, variant: 'mama', backend: 'auto' });
  const vars = det.model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const x = tf.tensor(train.gather(Array.from({ length: 16 }, (_, i) => i)), [16, 28, 28, 1]);
  const { value, grads } = tf.variableGrads(() => computeLoss(det.model, x, lossWeights(det.config), true).total, vars);
  const dead = [];
  for (const v of vars) if (!(await grads[v.name].data()).some((g) => g !== 0)) dead.push(v.name);
  assert.deepEqual(dead, []);
  tf.dispose([x, value, ...Object.values(grads)]);
  const res = await det.fit(train, { epochs: 2, batchSize: 16, progressBar: false });
  assert.ok(res.history[1].loss < res.history[0].loss * 1.5 && Number.isFinite(res.history[1].loss));
  const before = await det.score(test);
  await expectSameAfterReload(det, test, before, 'mama');
});
