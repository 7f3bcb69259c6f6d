// Architectures: output shapes for 1D (tabular), 2D (image) and 3D (video) inputs, crop to odd sizes,
// defaults of the paper, and clear errors for bad configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, resolveConfig, ModelOptions } from '../src/models/index.js';
import { UserError } from '../src/errors/user-error.js';
import { useTestBackend } from './helpers/backend.js';

function outputs(o: ModelOptions, batch = 2): number[][] {
  const cfg = resolveConfig(o);
  const m = buildModel(cfg);
  const shapes = tf.tidy(() => {
    const y = m.apply(tf.randomUniform([batch, ...cfg.inputShape], -1, 1, 'float32', 1), { training: false }) as tf.Tensor[];
    return (Array.isArray(y) ? y : [y]).map((t) => t.shape);
  });
  m.dispose();
  return shapes;
}

test('image (2D): MNIST config, crop back to 28x28, the whole code as one query', async () => {
  await useTestBackend();
  const cfg = resolveConfig({ kind: 'image', inputShape: [28, 28, 1] });
  assert.deepEqual([cfg.encoderChannels, cfg.decoderChannels, cfg.slots, cfg.memoryQuery], [[16, 32, 64], [64, 32], 50, 'code']);
  assert.deepEqual(outputs({ kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8] }), [[2, 28, 28, 1], [2, 50]]);
  // the memory holds whole codes: 4 x 4 positions x 8 channels
  const m = buildModel(resolveConfig({ kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8] }));
  assert.deepEqual(m.getLayer('memory').getWeights()[0].shape, [50, 128]);
  m.dispose();
});

test('image (2D): per-location queries (official code) on request', async () => {
  await useTestBackend();
  const o: ModelOptions = { kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], memoryQuery: 'location', slots: 100 };
  assert.deepEqual(outputs(o), [[2, 28, 28, 1], [2, 4, 4, 100]]);
  const m = buildModel(resolveConfig(o));
  assert.deepEqual(m.getLayer('memory').getWeights()[0].shape, [100, 8]);
  m.dispose();
});

test('image (2D): whole-code memory with MAMA parts gives the flat code to the Wasserstein loss', async () => {
  await useTestBackend();
  assert.deepEqual(outputs({ kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8], hashMemory: true, wassersteinWeight: 0.1 }), [[2, 28, 28, 1], [2, 50], [2, 128]]);
});

test('image (2D): CIFAR-sized RGB config and any input size', async () => {
  await useTestBackend();
  const cfg = resolveConfig({ kind: 'image', inputShape: [32, 32, 3] });
  assert.deepEqual([cfg.encoderChannels, cfg.slots], [[64, 128, 128, 256], 500]);
  assert.deepEqual(outputs({ kind: 'image', inputShape: [30, 21, 3], encoderChannels: [4, 4, 8, 8], slots: 20 }), [[2, 30, 21, 3], [2, 2, 2, 20]]);
  assert.deepEqual(outputs({ kind: 'image', inputShape: [9, 9, 1], encoderChannels: [4, 8], variant: 'ae' }), [[2, 9, 9, 1]]);
});

test('tabular (1D): MLP sized from the feature count, one query per sample', async () => {
  await useTestBackend();
  const cfg = resolveConfig({ kind: 'tabular', inputShape: [121] });
  // 2F in [16, 128], F in [8, 64], a code of min(3, F - 1) units: narrower than the row
  assert.deepEqual([cfg.encoderChannels, cfg.decoderChannels, cfg.slots], [[128, 64, 3], [64, 128], 50]);
  assert.deepEqual(resolveConfig({ kind: 'tabular', inputShape: [3] }).encoderChannels, [16, 8, 2]);
  assert.deepEqual(resolveConfig({ kind: 'tabular', inputShape: [1] }).encoderChannels, [16, 8, 1]);
  assert.deepEqual(resolveConfig({ kind: 'tabular', inputShape: [30] }).encoderChannels, [60, 30, 3]);
  assert.deepEqual(resolveConfig({ kind: 'tabular', inputShape: [1000] }).encoderChannels, [128, 64, 3]);
  // the paper's MLP stays available
  assert.deepEqual(resolveConfig({ kind: 'tabular', inputShape: [121], encoderChannels: [120, 60, 30, 10, 3] }).decoderChannels, [10, 30, 60, 120]);
  assert.deepEqual(outputs({ kind: 'tabular', inputShape: [37] }, 5), [[5, 37], [5, 50]]);
});

test('video (3D): official strides and mirrored decoder, narrow channels', async () => {
  await useTestBackend();
  const cfg = resolveConfig({ kind: 'video', inputShape: [16, 256, 256, 1] });
  assert.deepEqual([cfg.encoderChannels, cfg.decoderChannels, cfg.slots, cfg.shrinkThreshold], [[96, 128, 256, 256], [256, 128, 96], 500, 0.0025]);
  // 8 frames of 20x24: time 8 -> 8 -> 4 -> 2 -> 1, space 20 -> 10 -> 5 -> 3 -> 2
  assert.deepEqual(outputs({ kind: 'video', inputShape: [8, 20, 24, 1], encoderChannels: [4, 4, 8, 8], slots: 30 }, 1), [[1, 8, 20, 24, 1], [1, 1, 2, 2, 30]]);
});

test('variants: nonSpar has lambda = alpha = 0, MemAE the paper values, AE no memory output', () => {
  const ns = resolveConfig({ kind: 'image', inputShape: [28, 28, 1], variant: 'memae-nonspar', shrinkThreshold: 0.3, entropyWeight: 1 });
  assert.deepEqual([ns.shrinkThreshold, ns.entropyWeight], [0, 0]);
  const me = resolveConfig({ kind: 'image', inputShape: [28, 28, 1] });
  assert.deepEqual([me.shrinkThreshold, me.entropyWeight], [1.5 / 50, 0.0002]);
});

test('bad configs give one-line UserErrors', () => {
  const bad: [ModelOptions, RegExp][] = [
    [{ kind: 'image', inputShape: [28, 28] }, /inputShape for image/],
    [{ kind: 'video', inputShape: [16, 32, 32, 3] }, /grayscale/],
    [{ kind: 'sound' as 'image', inputShape: [3] }, /kind must be/],
    [{ kind: 'image', inputShape: [28, 28, 1], variant: 'x' as 'ae' }, /variant must be/],
    [{ kind: 'image', inputShape: [28, 28, 1], slots: 0 }, /slots/],
    [{ kind: 'image', inputShape: [28, 28, 1], decoderChannels: [3] }, /decoderChannels needs 2/],
    [{ kind: 'image', inputShape: [28, 28, 1], similarity: 'l2' as 'dot' }, /similarity/],
    [{ kind: 'image', inputShape: [28, 28, 1], memoryQuery: 'pixel' as 'code' }, /memoryQuery must be/],
    [{ kind: 'tabular', inputShape: [12], memoryQuery: 'code' }, /memoryQuery "code" is for image/],
  ];
  for (const [o, re] of bad) {
    assert.throws(() => resolveConfig(o), (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'));
  }
});

test('seeded initialisation: same seed, same weights; another seed, other weights', async () => {
  await useTestBackend();
  const o: ModelOptions = { kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8] };
  const flat = (seed: number) => {
    const m = buildModel(resolveConfig({ ...o, seed }));
    const v = m.getWeights().flatMap((w) => Array.from(w.dataSync()));
    m.dispose();
    return v;
  };
  const a = flat(1);
  assert.deepEqual(flat(1), a);
  assert.notDeepEqual(flat(2), a);
});
