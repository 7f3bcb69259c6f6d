// k-NN picks the backend itself, as MemAE does: a script that only builds a KnnDetector (no MemAE, no initBackend)
// computes its distances on libtorch when the addon loads, not on tfjs' pure-JS cpu backend (~25x slower on
// MNIST-sized data). Its own process: no other test has chosen a backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { KnnDetector } from '../../src/baselines/index.js';
import { initBackend } from '../../src/backend/select.js';
import { loadMnist } from '../../src/data/mnist.js';

test('k-NN alone runs on the backend initBackend picks (libtorch here), with the scores of tfjs cpu', async () => {
  const train = await loadMnist({ split: 'train', limit: 200 });
  const test = await loadMnist({ split: 'test', limit: 100 });
  const det = new KnnDetector();
  await det.fit(train);
  const scores = await det.decisionFunction(test);
  const used = tf.getBackend();
  const picked = await initBackend(); // what a MemAE would run on in this process
  assert.equal(used, picked);
  // the same distances on tfjs cpu (the reference backend)
  await initBackend('cpu');
  const ref = new KnnDetector();
  await ref.fit(train);
  const refScores = await ref.decisionFunction(test);
  assert.equal(scores.length, 100);
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(scores[i] - refScores[i]) <= 1e-4 * Math.max(1, refScores[i]), `score ${i}: ${scores[i]} vs ${refScores[i]}`);
});
