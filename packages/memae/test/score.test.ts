// Scores: image/tabular = mean squared error per sample; video = mean over voxels of sqrt(sum_c r^2);
// reconstructions and error maps on request; thresholds and predictions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ArrayDataset } from '../src/data/dataset.js';
import { MemAE } from '../src/detector/memae.js';
import { UserError } from '../src/errors/user-error.js';
import { useTestBackend } from './helpers/backend.js';
import { mnistSlice } from './helpers/mnist.js';

test('image scores are per-sample MSE; error maps average to the scores', async () => {
  await useTestBackend();
  const data = await mnistSlice({ split: 'test', limit: 6 });
  const det = await MemAE.create({ kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8] });
  const r = await det.scoreDetailed(data, { reconstructions: true, errorMaps: true, batchSize: 4 });
  assert.deepEqual(r.errorMapShape, [28, 28]);
  const px = 784;
  for (let i = 0; i < 6; i++) {
    let se = 0, map = 0;
    for (let p = 0; p < px; p++) {
      se += (data.values[i * px + p] - r.reconstructions![i * px + p]) ** 2;
      map += r.errorMaps![i * px + p];
    }
    assert.ok(Math.abs(r.scores[i] - se / px) < 1e-5, `sample ${i}: ${r.scores[i]} vs ${se / px}`);
    assert.ok(Math.abs(map / px - r.scores[i]) < 1e-5);
  }
  await assert.rejects(det.predict(data), (e: unknown) => e instanceof UserError && /threshold/.test(e.message));
  det.setThreshold({ value: r.scores[2] });
  assert.deepEqual(Array.from(await det.predict(data)), Array.from(r.scores, (s) => (s > r.scores[2] ? 1 : 0)));
  assert.throws(() => det.setThreshold({ contamination: 0.1 }), UserError);
  await assert.rejects(det.score(new ArrayDataset(new Float32Array(10), [10])), (e: unknown) => e instanceof UserError && /shape \[10\]/.test(e.message));
  det.dispose();
});

test('video clip score = mean over voxels of sqrt(sum over channels of r^2)', async () => {
  await useTestBackend();
  // 2 clips of 4 real MNIST digits as frames (28x28), a tiny 3D model
  const d = await mnistSlice({ split: 'test', limit: 8 });
  const clips = new ArrayDataset(d.values, [4, 28, 28, 1]);
  const det = await MemAE.create({ kind: 'video', inputShape: [4, 28, 28, 1], encoderChannels: [2, 2, 4, 4], slots: 10 });
  const r = await det.scoreDetailed(clips, { reconstructions: true, errorMaps: true });
  assert.deepEqual(r.errorMapShape, [4, 28, 28]);
  const n = 4 * 28 * 28;
  for (let c = 0; c < 2; c++) {
    let s = 0;
    for (let v = 0; v < n; v++) s += Math.abs(clips.values[c * n + v] - r.reconstructions![c * n + v]); // one channel: sqrt(r^2) = |r|
    assert.ok(Math.abs(r.scores[c] - s / n) < 1e-5, `clip ${c}: ${r.scores[c]} vs ${s / n}`);
  }
  det.dispose();
  assert.ok(tf.memory().numTensors >= 0);
});
