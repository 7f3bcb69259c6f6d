// The service's load-time warm-up (serve/warm-up.ts): one blank sample scored with and without error maps records
// the batch-1 plan (its folded weights are the model's cached plan, freed with it), changes no score, and scoring
// after it adds no tensors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ArrayDataset } from '../../src/data/dataset.js';
import { loadDetector } from '../../src/run/detector-port.js';
import { warmUp } from '../../src/serve/warm-up.js';
import { useTestBackend } from '../helpers/backend.js';
import { tinyModel } from '../ui-helpers/tiny-model.js';

test('warm-up: the same scores and maps after it as on a cold model; tensors flat after it, all freed with the model', async () => {
  await useTestBackend();
  const tiny = await tinyModel();
  const x = new Float32Array([...tiny.normalSample, ...tiny.anomalySample]);
  const cold = await loadDetector(tiny.dir);
  const want = await cold.scoreArray(x.slice(0, 784), 1, true);
  const wantBoth = await cold.score(new ArrayDataset(x, [28, 28, 1]));
  cold.dispose();
  const base = tf.memory().numTensors;
  const det = await loadDetector(tiny.dir);
  try {
    await warmUp(det);
    const t0 = tf.memory().numTensors;
    const got = await det.scoreArray(x.slice(0, 784), 1, true);
    assert.ok(Math.abs(got.scores[0] - want.scores[0]) <= 1e-5 * Math.max(1, want.scores[0]), `${got.scores[0]} vs ${want.scores[0]}`);
    assert.equal(got.maps!.length, want.maps!.length);
    for (let i = 0; i < got.maps!.length; i++) assert.ok(Math.abs(got.maps![i] - want.maps![i]) <= 1e-5 * Math.max(1, Math.abs(want.maps![i])));
    const both = await det.score(new ArrayDataset(x, [28, 28, 1]));
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(both[i] - wantBoth[i]) <= 1e-5 * Math.max(1, wantBoth[i]));
    assert.ok(both[1] !== both[0], 'the two samples score alike: the test would not see a frozen score');
    assert.equal(tf.memory().numTensors, t0, 'scoring after the warm-up left tensors');
  } finally {
    det.dispose();
  }
  assert.equal(tf.memory().numTensors, base, 'the model and its plan were not freed');
});
