// Robust training options for contaminated tables (train/defaults.ts: trimFraction, inputNoise), on real rows
// (scikit-learn's breast cancer table): the trimmed loss ignores the rows it leaves out, denoising feeds a noisy
// input and reconstructs the clean one, both run through the trainer with flat tensor counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, resolveConfig } from '../src/models/index.js';
import { computeLoss } from '../src/train/loss.js';
import { resolveBudget } from '../src/train/defaults.js';
import { MemAE } from '../src/detector/memae.js';
import { UserError } from '../src/errors/user-error.js';
import { lowestScored } from '../src/score/stats.js';
import { useTestBackend } from './helpers/backend.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/baselines-sklearn.json', import.meta.url), 'utf8')) as { trainX: number[]; features: number };
const f = fx.features;
const row = (i: number) => fx.trainX.slice(i * f, (i + 1) * f);

/** Gradients of the loss on `rows` for every trainable weight, as plain arrays. */
function gradients(model: ReturnType<typeof buildModel>, rows: number[][], trim: number): Float32Array[] {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.tidy(() => {
    const x = tf.tensor2d(rows);
    const { grads } = tf.variableGrads(() => computeLoss(model, x, 0, true, { trim }).total, vars);
    return vars.map((v) => grads[v.name].dataSync() as Float32Array);
  });
}

const maxDiff = (a: Float32Array[], b: Float32Array[]) => Math.max(...a.map((g, i) => Math.max(...g.map((v, j) => Math.abs(v - b[i][j])))));
const maxAbs = (a: Float32Array[]) => Math.max(...a.map((g) => Math.max(...g.map(Math.abs))));

test('trimmed loss: a batch with one huge outlier row gives the gradient of the batch without it', async () => {
  await useTestBackend();
  const before = tf.memory().numTensors;
  const model = buildModel(resolveConfig({ kind: 'tabular', inputShape: [f], variant: 'ae', seed: 3 }));
  const clean = Array.from({ length: 9 }, (_, i) => row(i));
  const outlier = row(9).map((v) => 40 * v + 25); // far outside the standardised range: by far the largest error
  const withOutlier = [...clean.slice(0, 4), outlier, ...clean.slice(4)];
  const ref = gradients(model, clean, 0);
  const trimmed = gradients(model, withOutlier, 0.1); // 10 rows: floor(0.1 * 10) = 1 row left out
  const plain = gradients(model, withOutlier, 0);
  assert.ok(maxDiff(trimmed, ref) <= 1e-5 * maxAbs(ref), `trimmed gradient differs from the clean batch's by ${maxDiff(trimmed, ref)}`);
  assert.ok(maxDiff(plain, ref) > 0.5 * maxAbs(ref), 'without trimming the outlier dominates the gradient');
  // a fraction that leaves out no row of this batch (floor(0.05 * 10) = 0) is the plain mean
  assert.ok(maxDiff(gradients(model, withOutlier, 0.05), plain) <= 1e-6 * maxAbs(plain));
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('input noise: the model sees x + noise (seeded), the error is measured against the clean x', async () => {
  await useTestBackend();
  const model = buildModel(resolveConfig({ kind: 'tabular', inputShape: [f], seed: 4 }));
  const x = tf.tensor2d(Array.from({ length: 16 }, (_, i) => row(i)));
  const mse = (noise: number, seed: number) => tf.tidy(() => computeLoss(model, x, 0, true, { noise, noiseSeed: seed }).mse.dataSync()[0]);
  const manual = tf.tidy(() => {
    const out = model.apply(tf.add(x, tf.randomNormal(x.shape, 0, 0.3, 'float32', 11)), { training: true }) as tf.Tensor[];
    return tf.mean(tf.squaredDifference(x, out[0])).dataSync()[0];
  });
  assert.ok(Math.abs(mse(0.3, 11) - manual) <= 1e-6 * manual, `${mse(0.3, 11)} vs ${manual}`);
  assert.equal(mse(0.3, 11), mse(0.3, 11), 'same seed, same noise');
  assert.notEqual(mse(0.3, 12), mse(0.3, 11), 'another seed, other noise');
  assert.notEqual(mse(0.3, 11), mse(0, 11), 'noise changes the input');
  x.dispose();
  model.dispose();
});

test('trimFraction and inputNoise: checked, defaulted per kind, and trained with flat tensor counts', async () => {
  await useTestBackend();
  assert.equal(resolveBudget('image', 100).trimFraction, 0);
  assert.equal(resolveBudget('video', 100).inputNoise, 0);
  assert.equal(resolveBudget('tabular', 100, { trimFraction: 0.2 }).trimFraction, 0.2);
  assert.throws(() => resolveBudget('tabular', 100, { trimFraction: 0.5 }), UserError);
  assert.throws(() => resolveBudget('tabular', 100, { trimFraction: -0.1 }), UserError);
  assert.throws(() => resolveBudget('tabular', 100, { inputNoise: -1 }), UserError);
  assert.throws(() => resolveBudget('tabular', 100, { inputNoise: Infinity }), UserError);
  const rows = Array.from({ length: 60 }, (_, i) => row(i));
  const fit = async (o: { trimFraction?: number; inputNoise?: number }) => {
    const det = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 2 });
    try {
      const r = await det.fit(rows, { steps: 12, batchSize: 20, progressBar: false, scoreTraining: false, ...o });
      return { loss: r.history[r.history.length - 1].loss, scores: Array.from(await det.decisionFunction(rows)) };
    } finally {
      det.dispose();
    }
  };
  const base = await fit({ trimFraction: 0, inputNoise: 0 });
  const before = tf.memory().numTensors;
  const robust = await fit({ trimFraction: 0.1, inputNoise: 0.1 });
  assert.equal(tf.memory().numTensors, before);
  assert.notDeepEqual(robust.scores, base.scores, 'the options change training');
  assert.deepEqual((await fit({ trimFraction: 0.1, inputNoise: 0.1 })).scores, robust.scores, 'and stay deterministic');
});

test('refitFraction: the second run equals a fresh model trained without the rows the first one scored highest', async () => {
  await useTestBackend();
  assert.deepEqual(Array.from(lowestScored(Float32Array.from([0.5, 9, 0.1, 3, 0.2]), 0.4)), [0, 2, 4]);
  assert.deepEqual(Array.from(lowestScored(Float32Array.from([1, 1, 1]), 0.3)), [0, 1, 2], 'floor(0.9) = 0 rows left out');
  const rows = Array.from({ length: 40 }, (_, i) => row(i));
  for (let i = 0; i < 4; i++) rows.push(row(40 + i).map((v) => 6 * v + 4)); // a few far rows in the training data
  const opts = { steps: 15, batchSize: 16, progressBar: false, scoreTraining: false } as const;
  const create = () => MemAE.create({ kind: 'tabular', inputShape: [f], seed: 9 });
  const first = await create(), refit = await create(), fresh = await create();
  try {
    await first.fit(rows, opts);
    const kept = lowestScored(await first.decisionFunction(rows), 0.1);
    assert.equal(kept.length, 40);
    const r = await refit.fit(rows, { ...opts, refitFraction: 0.1 });
    assert.equal(r.steps, 15);
    await fresh.fit(Array.from(kept, (i) => rows[i]), opts);
    // the same weights (the scores differ: each detector standardises residuals by its own training rows)
    const recs = async (d: MemAE) => Array.from((await d.scoreDetailed(rows, { reconstructions: true })).reconstructions!);
    assert.deepEqual(await recs(refit), await recs(fresh));
    await assert.rejects(refit.fit(rows, { ...opts, refitFraction: 0.5 }), UserError);
  } finally {
    first.dispose(); refit.dispose(); fresh.dispose();
  }
});
