// Tensor counts stay flat across many training steps, epochs, checkpoints, validation and scoring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ArrayDataset } from '../src/data/dataset.js';
import { MemAE } from '../src/detector/memae.js';
import { useTestBackend } from './helpers/backend.js';
import { mnistSlice } from './helpers/mnist.js';

/** Real MNIST digits as 784-feature rows (the tabular model). */
async function mnistRows(limit: number, split: 'train' | 'test' = 'train'): Promise<ArrayDataset> {
  const d = await mnistSlice({ split, limit });
  return new ArrayDataset(d.values, [784], d.labels, d.classes);
}

test('tensor count is flat over 60 steps (6 epochs) with checkpoints and validation', async () => {
  await useTestBackend();
  const train = await mnistRows(100);
  const val = await mnistRows(40, 'test');
  const base = tf.memory().numTensors;
  const dir = mkdtempSync(join(tmpdir(), 'memae-leak-'));
  try {
    const det = await MemAE.create({ kind: 'tabular', inputShape: [784], encoderChannels: [32, 8, 3], slots: 20, ensemble: 1 });
    const afterCreate = tf.memory().numTensors;
    const counts: number[] = [];
    const r = await det.fit(train, {
      epochs: 6, batchSize: 10, learningRate: 1e-3, validation: val, checkpoint: join(dir, 'c.ckpt'), progressBar: false,
      onProgress: (e) => { if (e.phase === 'epoch') counts.push(tf.memory().numTensors); },
    });
    assert.equal(r.history.length, 6);
    assert.ok(r.history.every((h) => h.valLoss !== undefined && Number.isFinite(h.valLoss)));
    // Adam adds its two slots per variable during the first step; after that nothing may grow
    assert.ok(counts.every((c) => c === counts[0]), `tensors at epoch ends: ${counts}`);
    const afterFit = tf.memory().numTensors;
    assert.equal(afterFit, afterCreate, 'the optimizer is freed after fit');
    for (let i = 0; i < 3; i++) await det.scoreDetailed(val, { reconstructions: true, errorMaps: true });
    assert.equal(tf.memory().numTensors, afterFit, 'scoring leaks nothing');
    det.dispose();
    assert.equal(tf.memory().numTensors, base, 'dispose frees the model');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
