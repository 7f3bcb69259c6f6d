// Batch norm folded into the convolutions at inference (models/inference-plan.ts): the plan's outputs equal
// model.apply(x, {training: false}) to 1e-5 on real MNIST images, for tf.layers' BatchNormalization (reference
// model) and memae's own BatchNorm (image AE and MemAE, 3D video AE), with non-trivial moving statistics; scoring
// through it equals the layer-by-layer scores; no tensor is left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildModel } from '../src/models/build.js';
import { resolveConfig, type ModelOptions } from '../src/models/config.js';
import { buildInferencePlan, disposeInferencePlan, inferenceOutputs } from '../src/models/inference-plan.js';
import { scoreModel } from '../src/score/score.js';
import { useTestBackend } from './helpers/backend.js';
import { mnistSlice } from './helpers/mnist.js';

/** Conv(s2) BN LReLU x2, ConvT(s2) BN LReLU, ConvT(1): tf.layers' own BatchNormalization. */
function layersModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [28, 28, 1] });
  let h: tfl.SymbolicTensor = input;
  const block = (l: tfl.layers.Layer) => {
    h = l.apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.batchNormalization({ epsilon: 1e-3 }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tfl.SymbolicTensor;
  };
  block(tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }));
  block(tfl.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', useBias: false }));
  block(tfl.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }));
  h = tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: h });
}

/** Moving statistics as after training (the fresh ones, mean 0 and variance 1, would make folding nearly trivial). */
function randomiseNorms(model: tfl.LayersModel, seed: number): void {
  let k = seed;
  for (const l of model.layers) {
    if (!/BatchNorm/.test(l.getClassName())) continue;
    const ws = l.getWeights();
    l.setWeights(ws.map((w, i) => tf.tidy(() => {
      const u = tf.randomUniform(w.shape, 0, 1, 'float32', k++);
      // the variance is the last weight in both layers
      return i === ws.length - 1 ? tf.add(tf.mul(u, 2), 0.1) : tf.sub(tf.mul(u, 2), 1);
    })));
  }
}

function assertClose(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length);
  let scale = 0, diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  assert.ok(scale > 1e-3, `${what}: outputs all near zero (${scale})`);
  assert.ok(diff <= 1e-5 * Math.max(1, scale), `${what}: max difference ${diff} (largest output ${scale})`);
}

async function checkModel(model: tfl.LayersModel, x: tf.Tensor, folds: number, what: string): Promise<void> {
  const before = tf.memory().numTensors;
  const plan = buildInferencePlan(model);
  assert.ok(plan, `${what}: no plan`);
  assert.equal(plan.steps.filter((s) => s.folded).length, folds, `${what}: folded convolutions`);
  const expected = tf.tidy(() => [model.apply(x, { training: false })].flat() as tf.Tensor[]);
  const got = tf.tidy(() => inferenceOutputs(model, plan, x));
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) {
    assert.deepEqual(got[i].shape, expected[i].shape);
    assertClose(await got[i].data() as Float32Array, await expected[i].data() as Float32Array, `${what} output ${i}`);
  }
  tf.dispose([...got, ...expected]);
  disposeInferencePlan(plan);
  assert.equal(tf.memory().numTensors, before, `${what}: tensors left behind`);
}

const images = async (n: number) => {
  const d = await mnistSlice({ split: 'test', limit: n });
  return tf.tensor(d.values, [n, 28, 28, 1]);
};

test('folded batch norm equals model.apply: tf.layers BatchNormalization with LeakyReLU, conv and transposed conv', async () => {
  await useTestBackend();
  const x = await images(6);
  const model = layersModel();
  randomiseNorms(model, 1);
  await checkModel(model, x, 3, 'tf.layers model');
  model.dispose();
  x.dispose();
});

test('folded batch norm equals model.apply: memae image AE and MemAE (memory between encoder and decoder)', async () => {
  await useTestBackend();
  const x = await images(5);
  for (const variant of ['ae', 'memae'] as const) {
    const model = buildModel(resolveConfig({ kind: 'image', variant, inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], seed: 3 }));
    randomiseNorms(model, 7);
    // 3 encoder convolutions + 2 transposed convolutions before the output layer
    await checkModel(model, x, 5, `image ${variant}`);
    model.dispose();
  }
  x.dispose();
});

test('folded batch norm equals model.apply: memae 3D video AE', async () => {
  await useTestBackend();
  const o: ModelOptions = { kind: 'video', variant: 'ae', inputShape: [4, 16, 16, 1], encoderChannels: [4, 8], seed: 2 };
  const model = buildModel(resolveConfig(o));
  randomiseNorms(model, 11);
  const frames = await mnistSlice({ split: 'test', limit: 8 });
  // two clips of 4 frames: 16x16 corners of MNIST digits
  const clips = tf.tidy(() => tf.reshape(tf.slice(tf.tensor(frames.values, [8, 28, 28, 1]), [0, 6, 6, 0], [8, 16, 16, 1]), [2, 4, 16, 16, 1]));
  await checkModel(model, clips, 3, 'video ae');
  clips.dispose();
  model.dispose();
});

test('scoring through the plan equals scoring layer by layer; models without batch norm have no plan', async () => {
  await useTestBackend();
  const data = await mnistSlice({ split: 'test', limit: 7 });
  const cfg = resolveConfig({ kind: 'image', variant: 'memae', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], seed: 5 });
  const model = buildModel(cfg);
  randomiseNorms(model, 13);
  const before = tf.memory().numTensors;
  const r = await scoreModel(model, cfg, data, { batchSize: 3 });
  assert.equal(tf.memory().numTensors, before, 'scoring leaves nothing behind');
  const direct = tf.tidy(() => {
    const x = tf.tensor(data.values, [7, 28, 28, 1]);
    const rec = (model.apply(x, { training: false }) as tf.Tensor[])[0];
    return tf.mean(tf.reshape(tf.squaredDifference(x, rec), [7, -1]), 1);
  });
  assertClose(r.scores, await direct.data() as Float32Array, 'scores');
  direct.dispose();
  model.dispose();
  const plain = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2 })] });
  assert.equal(buildInferencePlan(plain), null);
  plain.dispose();
});
