// The three training losses of the paper's ablation, on a real MNIST slice:
// AE: L = MSE; MemAE-nonSpar: L = MSE (dense addressing); MemAE: L = MSE + alpha * entropy (sparse addressing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, resolveConfig, Variant } from '../src/models/index.js';
import { computeLoss } from '../src/train/loss.js';
import { MemAE } from '../src/detector/memae.js';
import { useTestBackend } from './helpers/backend.js';
import { mnistSlice } from './helpers/mnist.js';

const small = { kind: 'image' as const, inputShape: [28, 28, 1], encoderChannels: [4, 8, 8] };

/** Plain-JS reference: mean over queries of -sum w log(w + 1e-12). */
function entropyJs(w: Float32Array, n: number): number {
  let s = 0;
  for (let q = 0; q < w.length / n; q++) for (let i = 0; i < n; i++) { const v = w[q * n + i]; s -= v * Math.log(v + 1e-12); }
  return s / (w.length / n);
}

for (const variant of ['ae', 'memae-nonspar', 'memae'] as Variant[]) {
  test(`loss of ${variant} on real MNIST digits`, async () => {
    await useTestBackend();
    const data = await mnistSlice({ split: 'train', limit: 8 });
    const cfg = resolveConfig({ ...small, variant });
    const model = buildModel(cfg);
    const x = tf.tensor(data.gather([0, 1, 2, 3, 4, 5, 6, 7]), [8, 28, 28, 1]);
    const o = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
    const out = Array.isArray(o) ? o : [o];
    const [rec, w] = out;
    const mseJs = tf.tidy(() => tf.mean(tf.square(tf.sub(x, rec)))).dataSync()[0];
    const l = computeLoss(model, x, cfg.entropyWeight, false);
    const [total, mse, ent] = [l.total, l.mse, l.entropy].map((t) => t.dataSync()[0]);
    assert.ok(Math.abs(mse - mseJs) < 1e-6, `mse ${mse} vs ${mseJs}`);
    if (variant === 'ae') {
      assert.equal(out.length, 1, 'AE has no memory output');
      assert.equal(ent, 0);
      assert.equal(total, mse);
    } else {
      assert.equal(out.length, 2);
      const wv = w.dataSync() as Float32Array;
      const eJs = entropyJs(wv, cfg.slots);
      assert.ok(Math.abs(ent - eJs) < 1e-4, `entropy ${ent} vs ${eJs}`);
      const zeros = wv.filter((v) => v === 0).length;
      if (variant === 'memae') {
        assert.ok(Math.abs(total - (mse + 0.0002 * eJs)) < 1e-6, `total ${total} vs mse + alpha * entropy`);
        assert.ok(zeros > 0, 'hard shrinkage zeroes some addressing weights');
      } else {
        assert.equal(total, mse, 'nonSpar has no entropy term');
        assert.equal(zeros, 0, 'no shrinkage: softmax weights are all positive');
      }
    }
    tf.dispose([x, ...out, l.total, l.mse, l.entropy]);
    model.dispose();
  });
}

test('training lowers the loss (MemAE, 32 real digits, 3 epochs)', async () => {
  await useTestBackend();
  const data = await mnistSlice({ split: 'train', digits: [1], limit: 32 });
  const det = await MemAE.create({ ...small });
  const r = await det.fit(data, { epochs: 3, batchSize: 16, progressBar: false, scoreTraining: false });
  assert.equal(r.history.length, 3);
  assert.ok(r.history[2].loss < r.history[0].loss, `loss ${r.history.map((h) => h.loss.toFixed(4))}`);
  for (const h of r.history) assert.ok(Math.abs(h.loss - (h.mse + 0.0002 * h.entropy)) < 1e-5);
  det.dispose();
});
