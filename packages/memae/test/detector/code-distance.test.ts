// The code-to-memory distance of a tabular MemAE against a direct computation from the saved weights: the encoder's
// dense layers by hand (tanh, linear code), z_hat = w M with the model's own addressing weights, mean of
// (z - z_hat)^2; tensors stay flat. Real rows: scikit-learn's breast cancer table (test/fixtures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { MemAE } from '../../src/detector/memae.js';
import { codeDistances } from '../../src/score/code-distance.js';
import { useTestBackend } from '../helpers/backend.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/baselines-sklearn.json', import.meta.url), 'utf8')) as { trainX: number[]; testX: number[]; features: number };

test('code-to-memory distance equals a direct computation (1e-5)', async () => {
  await useTestBackend();
  const f = fx.features;
  const train = Float32Array.from(fx.trainX), test = Float32Array.from(fx.testX);
  const det = await MemAE.create({ kind: 'tabular', inputShape: [f], seed: 3 });
  try {
    await det.fit({ values: train, shape: [train.length / f, f] }, { steps: 30, progressBar: false, scoreTraining: false });
    const rows = test.length / f;
    const before = tf.memory().numTensors;
    const got = await codeDistances(det.model, det.config, test, rows, 64); // several batches, the last partial
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    // direct: dense layers from their weights, in float64
    const layers = det.config.encoderChannels.map((_, i) => det.model.getLayer(`enc${i + 1}`).getWeights().map((w) => w.dataSync()));
    const memory = det.model.getLayer('memory').getWeights()[0].dataSync();
    const c = det.config.encoderChannels[det.config.encoderChannels.length - 1];
    const weights = tf.tidy(() => (det.model.predict(tf.tensor2d(test, [rows, f])) as tf.Tensor[])[1].dataSync());
    const slots = det.config.slots;
    let worst = 0;
    for (let r = 0; r < rows; r++) {
      let h: number[] = Array.from(test.subarray(r * f, (r + 1) * f));
      layers.forEach(([kernel, bias], li) => {
        const out = bias.length;
        const next = Array.from({ length: out }, (_, o) => { let s = bias[o]; for (let i = 0; i < h.length; i++) s += h[i] * kernel[i * out + o]; return s; });
        h = li === layers.length - 1 ? next : next.map(Math.tanh);
      });
      let d = 0;
      for (let j = 0; j < c; j++) { let zh = 0; for (let k = 0; k < slots; k++) zh += weights[r * slots + k] * memory[k * c + j]; d += (h[j] - zh) ** 2; }
      d /= c;
      worst = Math.max(worst, Math.abs(got[r] - d) / Math.max(1, Math.abs(d)));
    }
    assert.ok(worst < 1e-5, `worst relative difference ${worst}`);
    assert.ok(got.some((v) => v > 0), 'not all zero');
  } finally {
    det.dispose();
  }
});

test('code distances need a memory', async () => {
  await useTestBackend();
  const det = await MemAE.create({ kind: 'tabular', inputShape: [fx.features], variant: 'ae' });
  try {
    await assert.rejects(codeDistances(det.model, det.config, new Float32Array(fx.features), 1), /softmax memory/);
  } finally {
    det.dispose();
  }
});
