// Batch norm folded into the convolutions at inference (models/inference-plan.ts): the plan's outputs equal
// model.apply(x, {training: false}) to 1e-5 on real MNIST images, for tf.layers' BatchNormalization (reference
// model) and memae's own BatchNorm (image AE and MemAE, 3D video AE), with non-trivial moving statistics; scoring
// through it equals the layer-by-layer scores; no tensor is left behind. The plan scoreModel uses is cached per model:
// rebuilt after training (in-place updates of the fused Adam) and after setWeights, tensors flat over many calls,
// freed by model.dispose().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildModel } from '../src/models/build.js';
import { assertClose, randomiseNorms } from './helpers/plan-models.js';
import { resolveConfig, type ModelOptions } from '../src/models/config.js';
import { buildInferencePlan, cachedInferencePlan, disposeInferencePlan, inferenceOutputs, inferencePlanTensors } from '../src/models/inference-plan.js';
import { adam } from '../src/train/adam.js';
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
  // batch 1: on a CPU without AVX-512 tfjs-backend-libtorch runs these layers as NDHWC matrix products (conv3d-gemm.cc)
  const one = tf.slice(clips, [0, 0, 0, 0, 0], [1, 4, 16, 16, 1]);
  await checkModel(model, one, 3, 'video ae, batch 1');
  one.dispose();
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
  assert.equal(tf.memory().numTensors, before + inferencePlanTensors(model), 'scoring leaves nothing behind but the cached plan');
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

/** Per-sample MSE through model.apply (no plan). */
async function directScores(model: tfl.LayersModel, values: Float32Array, n: number): Promise<Float32Array> {
  const s = tf.tidy(() => {
    const x = tf.tensor(values, [n, 28, 28, 1]);
    const rec = (model.apply(x, { training: false }) as tf.Tensor[])[0];
    return tf.mean(tf.reshape(tf.squaredDifference(x, rec), [n, -1]), 1);
  });
  const v = await s.data() as Float32Array;
  s.dispose();
  return v;
}

test('the cached plan: built once per set of weights, rebuilt after training and setWeights, flat tensors, freed with the model', async () => {
  await useTestBackend();
  const data = await mnistSlice({ split: 'test', limit: 5 });
  const base = tf.memory().numTensors;
  const cfg = resolveConfig({ kind: 'image', variant: 'memae', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], seed: 9 });
  const model = buildModel(cfg);
  randomiseNorms(model, 17);
  const withModel = tf.memory().numTensors;
  const r1 = await scoreModel(model, cfg, data, { batchSize: 2 });
  const plan = cachedInferencePlan(model);
  assert.ok(plan && inferencePlanTensors(model) === plan.held.length && plan.held.length > 0);
  const cached = tf.memory().numTensors;
  assert.equal(cached, withModel + plan.held.length);
  for (let i = 0; i < 30; i++) await scoreModel(model, cfg, data, { batchSize: 1 });
  assert.equal(cachedInferencePlan(model), plan, 'the same plan while the weights are unchanged');
  assert.equal(tf.memory().numTensors, cached, 'tensors flat over many scoring calls');
  assertClose(r1.scores, await directScores(model, data.values, 5), 'cached plan vs model.apply');
  // the uncached path: a plan built for this call alone
  const fresh = buildInferencePlan(model);
  const uncached = tf.tidy(() => {
    const x = tf.tensor(data.values, [5, 28, 28, 1]);
    return tf.mean(tf.reshape(tf.squaredDifference(x, inferenceOutputs(model, fresh, x)[0]), [5, -1]), 1);
  });
  assertClose(r1.scores, await uncached.data() as Float32Array, 'cached plan vs a fresh plan');
  uncached.dispose();
  disposeInferencePlan(fresh);

  // training steps with the moving statistics fixed (training: false), so that only the optimizer changes weights;
  // on libtorch the fused Adam writes the variables in place (same dataIds) from its second step on
  const opt = adam(1e-2);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.tensor(data.values, [5, 28, 28, 1]);
  const train = (steps: number) => {
    for (let i = 0; i < steps; i++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(x, (model.apply(x, { training: false }) as tf.Tensor[])[0]) as tf.Scalar, vars);
        opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
      });
    }
  };
  let last = r1.scores;
  for (const round of [1, 2]) {
    const ids = vars.map((v) => v.dataId);
    const planBefore = cachedInferencePlan(model);
    train(2);
    if (round === 2 && tf.getBackend() === 'libtorch') assert.ok(vars.every((v, i) => v.dataId === ids[i]), 'the fused Adam updated in place');
    const r = await scoreModel(model, cfg, data, { batchSize: 2 });
    assert.notEqual(cachedInferencePlan(model), planBefore, `round ${round}: rebuilt after training`);
    assert.ok(r.scores.some((v, i) => Math.abs(v - last[i]) > 1e-4 * Math.abs(last[i])), `round ${round}: training changed the scores`);
    assertClose(r.scores, await directScores(model, data.values, 5), `round ${round}: cached plan vs model.apply after training`);
    last = r.scores;
  }
  x.dispose();
  opt.dispose();
  assert.equal(tf.memory().numTensors, cached, 'the old plans were freed');

  // setWeights (new data for the batch norm statistics)
  const plan2 = cachedInferencePlan(model);
  randomiseNorms(model, 23);
  const r3 = await scoreModel(model, cfg, data, { batchSize: 5 });
  assert.notEqual(cachedInferencePlan(model), plan2, 'rebuilt after setWeights');
  assertClose(r3.scores, await directScores(model, data.values, 5), 'after setWeights: cached plan vs model.apply');

  assert.equal(tf.memory().numTensors, withModel + inferencePlanTensors(model));
  model.dispose();
  assert.equal(tf.memory().numTensors, base, 'model.dispose() frees the plan');
});
