// FusedAdam (src/train/adam.ts) against tfjs' own Adam on the cpu backend: parameters, moments and
// the iteration count after several steps, across a getWeights / setWeights round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { FusedAdam, adam } from '../src/train/adam.js';
import { useTestBackend } from './helpers/backend.js';

// Shapes of a conv filter, a bias, a 1-element weight and one large enough for a parallel loop.
const SHAPES = [[3, 3, 2, 4], [4], [1], [300, 250]];
const STEPS = 5;
let run = 0;

function values(shape: number[], seed: number, scale: number): Float32Array {
  return tf.tidy(() => tf.randomNormal(shape, 0, scale, 'float32', seed).dataSync() as Float32Array);
}
const INIT = SHAPES.map((s, i) => values(s, 100 + i, 1));
// Gradients of very different sizes per step, so that the bias correction and epsilon both matter.
const GRADS = Array.from({ length: STEPS }, (_, k) => SHAPES.map((s, i) => values(s, 1000 * k + i, 10 ** (i - 2))));

interface Result { params: Float32Array[]; slots: Float32Array[]; iterations: number }

/**
 * Trains the variables for STEPS steps on `backend`; switches to a fresh optimizer (setWeights from
 * the first one's getWeights) after `resumeAt` steps. The map form of applyGradients is used
 * on even steps, the array form on odd ones.
 */
async function train(backend: string, make: () => tf.AdamOptimizer, resumeAt = STEPS): Promise<Result> {
  await tf.setBackend(backend);
  const tag = `adamtest${run++}`;
  const vars = tf.tidy(() => INIT.map((v, i) => tf.variable(tf.tensor(v, SHAPES[i]), true, `${tag}/w${i}`)));
  let opt = make();
  for (let k = 0; k < STEPS; k++) {
    if (k === resumeAt) {
      const w = await opt.getWeights();
      const next = make();
      await next.setWeights(w);
      tf.dispose(w[0].tensor); // the iteration count is a new tensor; the slots are opt's variables
      opt.dispose();
      opt = next;
    }
    tf.tidy(() => {
      const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(GRADS[k][i], SHAPES[i]) }));
      opt.applyGradients(k % 2 ? grads : Object.fromEntries(grads.map((g) => [g.name, g.tensor as tf.Variable])));
    });
  }
  const w = await opt.getWeights();
  const r = { params: vars.map((v) => v.dataSync() as Float32Array), slots: w.slice(1).map((s) => s.tensor.dataSync() as Float32Array), iterations: opt.iterations };
  tf.dispose(w[0].tensor);
  opt.dispose();
  tf.dispose(vars);
  return r;
}

function assertSame(got: Result, want: Result, what: string): void {
  assert.equal(got.iterations, want.iterations, `${what}: iterations`);
  assert.equal(got.slots.length, want.slots.length, `${what}: slot count`);
  const check = (g: Float32Array[], w: Float32Array[], kind: string) => g.forEach((a, i) => {
    for (let j = 0; j < a.length; j++) {
      const d = Math.abs(a[j] - w[i][j]);
      assert.ok(d <= 1e-5 * Math.max(1, Math.abs(w[i][j])), `${what}: ${kind} ${i}[${j}] ${a[j]} vs ${w[i][j]}`);
    }
  });
  check(got.params, want.params, 'param');
  check(got.slots, want.slots, 'slot');
}

test('FusedAdam matches tf.train.adam on cpu over several steps, also after setWeights', async () => {
  const backend = await useTestBackend();
  const want = await train('cpu', () => tf.train.adam(0.01));
  assert.ok(want.params.some((p, i) => p.some((x, j) => x !== INIT[i][j])), 'the reference run changed the parameters');
  const before = tf.memory().numTensors;
  assertSame(await train(backend, () => adam(0.01)), want, `${backend} fused`);
  assertSame(await train(backend, () => adam(0.01), 2), want, `${backend} fused, resumed after 2 steps`);
  assertSame(await train('cpu', () => adam(0.01)), want, 'cpu fallback');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  await tf.setBackend(backend);
});

test('FusedAdam keeps the hyperparameters and serializes as Adam', async () => {
  await useTestBackend();
  const o = adam(0.002, 0.8, 0.95, 1e-6);
  assert.ok(o instanceof tf.AdamOptimizer);
  assert.equal(o.getClassName(), 'Adam');
  assert.deepEqual(o.getConfig(), { learningRate: 0.002, beta1: 0.8, beta2: 0.95, epsilon: 1e-6 });
  o.dispose();
});

test('a tensor that shares its data with a variable is not changed by the in-place update', async () => {
  await useTestBackend();
  const t = tf.tensor([1, 2, 3]);
  const v = tf.variable(t, true, `adamtest-shared${run++}`); // v starts on t's data
  const o = new FusedAdam(0.1, 0.9, 0.999);
  tf.tidy(() => o.applyGradients([{ name: v.name, tensor: tf.tensor([1, 1, 1]) }]));
  assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3]);
  assert.ok(v.dataSync().every((x, i) => Math.abs(x - (i + 1 - 0.1)) < 1e-5), `v moved by lr: ${v.dataSync()}`);
  o.dispose();
  tf.dispose([t, v]);
});

test('on libtorch a step after the first runs no tfjs kernel (one native call)', async (t) => {
  if ((await useTestBackend()) !== 'libtorch') return t.skip('libtorch backend not available');
  const v = tf.variable(tf.zeros([8]), true, `adamtest-kernels${run++}`);
  const g = tf.ones([8]);
  const kernels = async (o: tf.Optimizer) => {
    tf.tidy(() => o.applyGradients([{ name: v.name, tensor: g }])); // creates the moments
    const p = await tf.profile(() => { tf.tidy(() => o.applyGradients([{ name: v.name, tensor: g }])); });
    o.dispose();
    return p.kernels.length;
  };
  assert.ok((await kernels(tf.train.adam())) > 10, "tfjs' Adam runs many kernels");
  assert.equal(await kernels(adam()), 0);
  tf.dispose([v, g]);
});
