// Recorded training steps (train/step.ts over native/replay.cc): a step of each batch shape is recorded the second
// time the shape comes and replayed natively after that (forward, gradients, the fused Adam in place, batch norm's
// moving statistics written back, the learning rate as the plan's parameter). Training with replay must give what
// training op by op (MEMAE_REPLAY=0) gives: the same per-epoch losses and every weight, moving statistics and Adam's
// state included, for an image MemAE (batch norm, memory, a smaller last batch), a tabular MemAE under the cosine
// schedule (the learning rate changes every step), a 3D video AE and MAMA Net; with far fewer engine kernels (replay ran);
// tensors flat; a weight held elsewhere (restoreBest's copies) is never written in place.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildModel } from '../src/models/build.js';
import { resolveConfig, type ModelConfig, type ModelOptions } from '../src/models/config.js';
import { trainModel, type TrainOptions, type TrainResult } from '../src/train/trainer.js';
import { ArrayDataset, type Dataset } from '../src/data/dataset.js';
import { adam } from '../src/train/adam.js';
import { TrainStep } from '../src/train/step.js';
import { useTestBackend } from './helpers/backend.js';
import { mnistSlice } from './helpers/mnist.js';

async function libtorch(t: TestContext): Promise<boolean> {
  if ((await useTestBackend()) === 'libtorch') return true;
  t.skip('libtorch backend not available');
  return false;
}

interface Run { result: TrainResult; weights: Float32Array[]; optimizer: number; kernels: number }

/** Trains a fresh model of `opts` with replay on or off; returns the result, every weight and the kernels the engine ran. */
async function train(o: ModelOptions, data: Dataset, topts: TrainOptions, replay: boolean): Promise<Run> {
  const saved = process.env.MEMAE_REPLAY;
  if (replay) delete process.env.MEMAE_REPLAY;
  else process.env.MEMAE_REPLAY = '0';
  const cfg: ModelConfig = resolveConfig(o);
  const model = buildModel(cfg);
  try {
    let result!: TrainResult;
    const info = await tf.profile(async () => {
      result = await trainModel(model, cfg, data, { progressBar: false, ...topts });
      return [];
    });
    const weights = await Promise.all(model.weights.map(async (w) => (await w.read().data()) as Float32Array));
    return { result, weights, optimizer: 0, kernels: info.kernels.length };
  } finally {
    model.dispose();
    if (saved === undefined) delete process.env.MEMAE_REPLAY;
    else process.env.MEMAE_REPLAY = saved;
  }
}

/** Replay and op by op: same losses and weights (exactly: the same kernels with the same arguments), and replay ran. */
async function checkSame(o: ModelOptions, data: Dataset, topts: TrainOptions, what: string): Promise<void> {
  // op by op first: what a model kind caches once per process (MAMA's projection directions) exists before counting
  const opByOp = await train(o, data, topts, false);
  const before = tf.memory().numTensors;
  const replayed = await train(o, data, topts, true);
  assert.equal(tf.memory().numTensors, before, `${what}: tensors flat after training with replay`);
  assert.deepEqual(replayed.result.history.map((h) => [h.loss, h.mse, h.entropy, h.valLoss]), opByOp.result.history.map((h) => [h.loss, h.mse, h.entropy, h.valLoss]), `${what}: per-epoch losses`);
  assert.equal(replayed.weights.length, opByOp.weights.length);
  replayed.weights.forEach((w, i) => assert.deepEqual(Array.from(w), Array.from(opByOp.weights[i]), `${what}: weight ${i}`));
  // op by op every step runs dozens of engine kernels, a replayed step none (the first two steps of each shape and
  // the validation passes run op by op in both)
  assert.ok(replayed.kernels < 0.7 * opByOp.kernels, `${what}: replay ran (${replayed.kernels} kernels vs ${opByOp.kernels} op by op)`);
}

test('image MemAE (batch norm, memory, a smaller last batch): replayed training equals op by op exactly', { timeout: 300_000 }, async (t) => {
  if (!(await libtorch(t))) return;
  const data = await mnistSlice({ split: 'train', digits: [3], limit: 80 });
  const val = await mnistSlice({ split: 'test', digits: [3], limit: 32 });
  await checkSame({ kind: 'image', inputShape: [28, 28, 1], variant: 'memae', seed: 3 }, data, { epochs: 4, batchSize: 32, learningRate: 1e-3, validation: val }, 'image MemAE');
});

test('tabular MemAE under the cosine schedule (a new learning rate every step): replayed training equals op by op', { timeout: 300_000 }, async (t) => {
  if (!(await libtorch(t))) return;
  const rows = 150, f = 12;
  const x = new Float32Array(rows * f);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) + ((i * 7919) % 13) / 13;
  const data = new ArrayDataset(x, [f]);
  await checkSame({ kind: 'tabular', inputShape: [f], variant: 'memae', seed: 1 }, data, { steps: 24, batchSize: 64, learningRate: 1e-2, schedule: 'cosine', warmup: 0.2 }, 'tabular MemAE');
});

test('3D video AE: replayed training equals op by op', { timeout: 300_000 }, async (t) => {
  if (!(await libtorch(t))) return;
  const n = 6, shape = [8, 16, 16, 1];
  const x = new Float32Array(n * 8 * 16 * 16);
  for (let i = 0; i < x.length; i++) x[i] = 0.5 + 0.5 * Math.sin(i * 0.013 + (i % 256) * 0.1);
  await checkSame({ kind: 'video', inputShape: shape, variant: 'memae', seed: 2, encoderChannels: [4, 8, 8, 8], slots: 20 }, new ArrayDataset(x, shape), { epochs: 3, batchSize: 2, learningRate: 1e-3 }, 'video MemAE');
});

test('MAMA Net (attention, hash memory, sliced Wasserstein loss): replayed training equals op by op', { timeout: 300_000 }, async (t) => {
  if (!(await libtorch(t))) return;
  const data = await mnistSlice({ split: 'train', digits: [1], limit: 48 });
  await checkSame({ kind: 'image', inputShape: [28, 28, 1], variant: 'mama', seed: 6 }, data, { epochs: 4, batchSize: 16, learningRate: 1e-3 }, 'MAMA');
});

test('restoreBest keeps copies of the weights: no replay writes into them, and the result equals op by op', { timeout: 300_000 }, async (t) => {
  if (!(await libtorch(t))) return;
  const data = await mnistSlice({ split: 'train', digits: [7], limit: 64 });
  await checkSame({ kind: 'image', inputShape: [28, 28, 1], variant: 'ae', seed: 5 }, data, { epochs: 4, batchSize: 16, learningRate: 1e-3, restoreBest: true }, 'AE with restoreBest');
});

test('TrainStep: the first step of a shape runs op by op, the second records, later ones replay; a shared weight makes a step run op by op', { timeout: 120_000 }, async (t) => {
  if (!(await libtorch(t))) return;
  const cfg = resolveConfig({ kind: 'tabular', inputShape: [6], variant: 'ae', seed: 4 });
  const model: tfl.LayersModel = buildModel(cfg);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const state = model.nonTrainableWeights.map((w) => w.read() as tf.Variable);
  const opt = adam(1e-3);
  const step = new TrainStep(vars, state, opt, (x) => {
    const l = tf.mean(tf.squaredDifference(x, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
    return { total: l, parts: [] };
  }, { parts: 0 });
  const x = tf.tensor2d(Array.from({ length: 24 }, (_, i) => Math.cos(i)), [4, 6]);
  const kernels = async () => { const p = await tf.profile(() => tf.tidy(() => step.run(x, 1e-3))); tf.dispose(p.result as tf.Tensor[]); return p.kernels.length; };
  try {
    assert.ok((await kernels()) > 10, 'first step: op by op');
    assert.ok((await kernels()) > 10, 'second step: recorded while it runs op by op');
    assert.equal(await kernels(), 0, 'third step: replayed');
    assert.equal(step.stats.replays, 1);
    assert.equal(typeof step.stats.shapes['float32:4,6'], 'number', 'a plan for the shape');
    const copy = vars[0].clone(); // shares the weight's data: an in-place update would change it
    const held = await copy.data();
    assert.ok((await kernels()) > 10, 'a shared weight: op by op');
    assert.deepEqual(await copy.data(), held, 'the copy is unchanged');
    copy.dispose();
    assert.ok((await kernels()) > 10, 'the next step records again');
    assert.equal(await kernels(), 0, 'then replays');
  } finally {
    step.dispose();
    opt.dispose();
    x.dispose();
    model.dispose();
  }
});
