// Synchronised batch norm in one process: the layer's own forward and gradient formula (used on every
// rank) against the fused kernel for every input rank, and the fit option's one-line error and no-op.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MemAE } from '../../src/detector/memae.js';
import { kddSplit, readKddTable } from '../../src/data/kdd.js';
import { UserError } from '../../src/errors/user-error.js';
import { BatchNorm, type BatchNormSync } from '../../src/models/batch-norm-layer.js';
import { useTestBackend } from '../helpers/backend.js';
import { mnistSlice } from '../helpers/mnist.js';
import { kddSlice } from './helpers/kdd-slice.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A group of one rank: the global statistics and sums are this rank's (what SyncBatchNorm gives at world size 1). */
const alone: BatchNormSync = {
  stats: (count, mean, variance) => ({ count, mean: Float64Array.from(mean), variance: Float64Array.from(variance) }),
  gradSums: (sumDy, sumDyXhat) => ({ sumDy: Float64Array.from(sumDy), sumDyXhat: Float64Array.from(sumDyXhat) }),
};

test('the synchronised layer\'s forward, running statistics and gradients equal the fused kernel\'s (ranks 2, 4, 5)', async () => {
  const backend = await useTestBackend();
  for (const shape of [[8, 6], [2, 5, 5, 6], [2, 3, 4, 5, 6]]) {
    const before = tf.memory().numTensors;
    const run = (sync: boolean) => tf.tidy(() => {
      const layer = new BatchNorm({ seed: 3 });
      layer.build(shape);
      layer.sync = sync ? alone : undefined;
      const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1);
      const r = tf.randomNormal(shape, 0, 1, 'float32', 2); // a loss that weights outputs unequally
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const g = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, r)) as tf.Scalar, vars);
      const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi, { training: true }) as tf.Tensor, r)))(x);
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      const out = [y, dx, ...vars.map((v) => g.grads[v.name]), ...layer.nonTrainableWeights.map((w) => w.read())].map((t) => Array.from(t.dataSync()));
      layer.weights.forEach((w) => w.dispose());
      return out;
    });
    const [a, b] = [run(false), run(true)];
    a.forEach((v, i) => {
      const scale = Math.max(1, ...v.map(Math.abs));
      const d = Math.max(...v.map((u, j) => Math.abs(u - b[i][j])));
      assert.ok(d / scale < 2e-5, `${backend} [${shape}] output ${i}: difference ${d}`);
    });
    assert.equal(tf.memory().numTensors, before, `[${shape}] tensors leaked`);
  }
});

test('fit with syncBatchNorm: a model without batch norm is a one-line error; one process is a no-op', { timeout: 120_000 }, async () => {
  await useTestBackend();
  const tab = kddSplit(await readKddTable({ path: kddSlice(mkdtempSync(join(tmpdir(), 'memae-sbn-'))) })).train;
  const t = await MemAE.create({ kind: 'tabular', inputShape: tab.sampleShape, seed: 1 });
  await assert.rejects(t.fit(tab, { epochs: 1, progressBar: false, syncBatchNorm: true }), (e: Error) => e instanceof UserError && /no batch-norm layer/.test(e.message));
  t.dispose();
  const img = await mnistSlice({ split: 'train', digits: [3], limit: 20 });
  const weights = async (sync: boolean) => {
    const d = await MemAE.create({ kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], seed: 5 });
    await d.fit(img, { epochs: 1, batchSize: 8, progressBar: false, scoreTraining: false, syncBatchNorm: sync });
    const w = d.model.getWeights().map((x) => Array.from(x.dataSync()));
    d.dispose();
    return w;
  };
  assert.deepEqual(await weights(true), await weights(false));
});
