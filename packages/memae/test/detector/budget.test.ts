// Training budgets: every kind counts optimizer steps scaled to the data size (images and video in whole passes);
// warm-up then cosine decay; the trainer
// runs exactly the steps it resolved; explicit options win; one RNG drives the batch order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MemAE } from '../../src/detector/memae.js';
import { imageSteps, learningRateAt, resolveBudget, videoSteps } from '../../src/train/defaults.js';
import { epochPermutation } from '../../src/train/shuffle.js';
import { UserError } from '../../src/errors/user-error.js';
import { useTestBackend } from '../helpers/backend.js';

test('tabular budgets scale with the data: more passes over small tables, fewer over large ones', () => {
  const b200 = resolveBudget('tabular', 200);
  const b30k = resolveBudget('tabular', 30000);
  const b3m = resolveBudget('tabular', 3_000_000);
  assert.ok(b200.batchSize <= 32 && b200.steps! * b200.batchSize >= 20 * 200, 'small tables: more passes (the 150-step floor)');
  assert.ok(b30k.steps! * b30k.batchSize <= 30 * 30000, 'mid tables: not hundreds of passes');
  assert.ok(b3m.steps! * b3m.batchSize <= 3 * 3_000_000 && b3m.steps! >= b30k.steps!, 'large tables: bounded, never fewer steps');
  for (const b of [b200, b30k, b3m]) assert.equal(b.epochs, Math.ceil(b.steps! / Math.ceil((b === b200 ? 200 : b === b30k ? 30000 : 3_000_000) / b.batchSize)));
  // explicit options win
  assert.deepEqual(resolveBudget('tabular', 200, { epochs: 3 }).steps, undefined);
  assert.equal(resolveBudget('tabular', 200, { epochs: 3 }).epochs, 3);
  assert.equal(resolveBudget('tabular', 200, { steps: 10, batchSize: 50 }).epochs, 3);
  assert.equal(resolveBudget('image', 1000, { epochs: 4 }).steps, undefined);
  assert.equal(resolveBudget('image', 1000, { epochs: 4 }).epochs, 4);
  assert.throws(() => resolveBudget('tabular', 200, { steps: 0 }), UserError);
  assert.throws(() => resolveBudget('tabular', 200, { warmup: 1 }), UserError);
});

test('image budgets: 10 whole passes at batch 64, at least 500 steps, at most 20,000', () => {
  // one MNIST class in the one-class benchmark (90% of its training images): exactly its 10 epochs
  assert.deepEqual([imageSteps(5331, 64), resolveBudget('image', 5331).epochs, resolveBudget('image', 5331).batchSize], [840, 10, 64]);
  assert.equal(imageSteps(300, 64), 500); // 5 batches a pass: 100 passes
  assert.equal(imageSteps(330, 64), 504); // 6 batches a pass: whole passes above the floor
  assert.equal(imageSteps(60000, 64), 9380);
  assert.equal(imageSteps(1e7, 64), 20000);
  const b = resolveBudget('image', 300);
  assert.deepEqual([b.steps, b.epochs, b.learningRate], [500, 100, 1e-3]);
});

test('video budgets: 8 whole passes over the clips at batch 4, lr 1e-3, at least 300 steps, at most 20,000', () => {
  assert.equal(videoSteps(152, 4), 304); // vtest's training part in the video benchmark: 8 epochs of 38 batches
  assert.equal(videoSteps(63, 4), 304); // tree's: the floor, 19 epochs of 16 batches
  assert.equal(videoSteps(1e6, 14), 20000);
  const b = resolveBudget('video', 152);
  assert.deepEqual([b.steps, b.epochs, b.batchSize, b.learningRate], [304, 8, 4, 1e-3]);
});

test('learning rate: linear warm-up to the peak, cosine decay to 1%', () => {
  const b = resolveBudget('tabular', 1000, { learningRate: 1e-3, steps: 100, warmup: 0.1 });
  const lr = Array.from({ length: 100 }, (_, s) => learningRateAt(b, s, 100));
  assert.ok(Math.abs(lr[9] - 1e-3) < 1e-12 && lr[0] < lr[5] && lr[5] < lr[9], 'warm-up');
  assert.ok(lr.slice(10).every((v, i, a) => i === 0 || v <= a[i - 1]), 'decay is monotone');
  assert.ok(Math.abs(lr[99] - 1e-5) < 1e-12, 'ends at 1%');
  assert.equal(learningRateAt(resolveBudget('image', 10), 50, 100), 1e-3);
});

test('the trainer runs exactly the resolved steps (last epoch partial)', async () => {
  await useTestBackend();
  const fx = JSON.parse(readFileSync(new URL('../fixtures/baselines-sklearn.json', import.meta.url), 'utf8')) as { trainX: number[]; features: number };
  const rows = Array.from({ length: 50 }, (_, i) => fx.trainX.slice(i * fx.features, (i + 1) * fx.features));
  const det = await MemAE.create({ kind: 'tabular', inputShape: [fx.features], encoderChannels: [8, 3], slots: 5, ensemble: 1 });
  let batches = 0;
  const r = await det.fit(rows, { steps: 7, batchSize: 16, progressBar: false, scoreTraining: false, onProgress: (e) => { if (e.phase === 'batch') batches++; } });
  assert.equal(batches, 7);
  assert.equal(r.steps, 7);
  assert.equal(r.epochsDone, 2);
  det.dispose();
});

test('batch order: a permutation per (seed, epoch), the same every time', () => {
  const a = epochPermutation(50, 1, 1);
  assert.deepEqual(Array.from(a).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(Array.from(epochPermutation(50, 1, 1)), Array.from(a));
  assert.notDeepEqual(Array.from(epochPermutation(50, 1, 2)), Array.from(a));
  assert.notDeepEqual(Array.from(epochPermutation(50, 2, 1)), Array.from(a));
});

test('validationSplit holds out part of the training rows; restoreBest puts back the best epoch', async () => {
  await useTestBackend();
  const fx = JSON.parse(readFileSync(new URL('../fixtures/baselines-sklearn.json', import.meta.url), 'utf8')) as { trainX: number[]; features: number };
  const f = fx.features;
  const rows = Array.from({ length: 100 }, (_, i) => fx.trainX.slice(i * f, (i + 1) * f));
  const det = await MemAE.create({ kind: 'tabular', inputShape: [f], encoderChannels: [8, 3], slots: 5 });
  let perEpoch = 0;
  const r = await det.fit(rows, { epochs: 3, batchSize: 10, validationSplit: 0.2, progressBar: false, scoreTraining: false, onProgress: (e) => { perEpoch = e.batches; } });
  assert.equal(perEpoch, 8, '80 of 100 rows train, in batches of 10');
  assert.ok(r.history.every((h) => Number.isFinite(h.valLoss)));
  await assert.rejects(det.fit(rows, { validationSplit: 0.9, progressBar: false }), UserError);
  det.dispose();
  // restoreBest with a fixed validation set: the final weights give the best recorded validation loss
  const { ArrayDataset } = await import('../../src/data/dataset.js');
  const { evaluateLoss } = await import('../../src/train/trainer.js');
  const val = new ArrayDataset(Float32Array.from(fx.trainX.slice(100 * f, 140 * f)), [f]);
  const d2 = await MemAE.create({ kind: 'tabular', inputShape: [f], encoderChannels: [8, 3], slots: 5 });
  const r2 = await d2.fit(rows, { epochs: 6, batchSize: 10, learningRate: 0.05, validation: val, restoreBest: true, progressBar: false, scoreTraining: false });
  const bestVal = Math.min(...r2.history.map((h) => h.valLoss!));
  const now = await evaluateLoss(d2.model, d2.config, val, 10);
  assert.ok(Math.abs(now.loss - bestVal) < 1e-5 * Math.max(1, bestVal), `restored ${now.loss} vs best ${bestVal}`);
  d2.dispose();
});
