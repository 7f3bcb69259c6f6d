// MAMA Net's hash memory and sliced Wasserstein loss on the video model (3D conv MemAE, one memory query per latent
// position), on real frames of OpenCV's vtest.avi cut into tiny clips: config rules, training with finite loss and a
// flat tensor count, gradients reaching the encoder through the hash memory's straight-through estimator, the SW term
// in the loss, and save -> MemAE.load -> identical scores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, resolveConfig, type ModelOptions } from '../../src/models/index.js';
import { computeLoss, swDirections } from '../../src/train/loss.js';
import { lossWeights, trainModel } from '../../src/train/trainer.js';
import { slicedWasserstein } from '../../src/mama/wasserstein.js';
import { MemAE } from '../../src/detector/memae.js';
import { UserError } from '../../src/errors/user-error.js';
import { ClipDataset } from '../../src/video/clips.js';
import { decodeVideoFile } from '../../src/video/ffmpeg.js';
import { VTEST_PATH } from '../helpers/videos.js';
import { useTestBackend } from '../helpers/backend.js';
import { expectSameAfterReload } from '../helpers/reload.js';
import { inferencePlanTensors } from '../../src/models/inference-plan.js';

// clips of 8 frames at 16x16; encoder 16 -> 8 -> 4 -> 2 (time 8 -> 8 -> 4 -> 2): a 2x2x2 code, 8 queries per clip
const tiny: ModelOptions = { kind: 'video', inputShape: [8, 16, 16, 1], encoderChannels: [4, 8, 8], slots: 20, hashBits: 8 };

/** 9 real clips (stride 4) from the first 40 frames of vtest.avi. */
async function vtestClips(): Promise<ClipDataset> {
  const v = await decodeVideoFile(VTEST_PATH, { size: 16, maxFrames: 40 });
  return new ClipDataset([v], { clipLength: 8, stride: 4 });
}

const batchOf = (d: ClipDataset, n: number): tf.Tensor => tf.tensor(d.gather(Array.from({ length: n }, (_, i) => i)), [n, ...tiny.inputShape]);

/** The message of the UserError `f` throws, checked to be one line. */
function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    assert.equal(e.message.split('\n').length, 1);
    return e.message;
  }
  assert.fail('no error thrown');
}

test('video mama config: hash memory + SW, no attention; attention on video and MAMA on rows are one-line user errors', () => {
  const c = resolveConfig({ ...tiny, variant: 'mama' });
  assert.deepEqual([c.attention, c.hashMemory, c.wassersteinWeight > 0, c.shrinkThreshold, c.entropyWeight, c.memoryQuery], [false, true, true, 0, 0, 'location']);
  const sw = resolveConfig({ ...tiny, variant: 'memae', wassersteinWeight: 0.3 });
  assert.deepEqual([sw.hashMemory, sw.wassersteinWeight, sw.shrinkThreshold > 0, sw.entropyWeight > 0], [false, 0.3, true, true]);
  assert.match(userError(() => resolveConfig({ ...tiny, variant: 'mama', attention: true })), /^attention is for image models only/);
  assert.match(userError(() => resolveConfig({ ...tiny, variant: 'ae', attention: true })), /^attention is for image models only/);
  assert.match(userError(() => resolveConfig({ ...tiny, variant: 'ae', hashMemory: true })), /need a memory/);
  assert.match(userError(() => resolveConfig({ ...tiny, variant: 'ae', wassersteinWeight: 0.1 })), /need a memory/);
  assert.match(userError(() => resolveConfig({ ...tiny, variant: 'mama', hashTopK: 21 })), /hashTopK/);
  assert.match(userError(() => resolveConfig({ kind: 'tabular', inputShape: [10], variant: 'mama' })), /not tabular/);
  assert.match(userError(() => resolveConfig({ kind: 'tabular', inputShape: [10], hashMemory: true })), /not tabular/);
});

test('video hash memory: per-location outputs, gradients reach the encoder through the straight-through estimator', async () => {
  await useTestBackend();
  const clips = await vtestClips();
  const cfg = resolveConfig({ ...tiny, variant: 'memae', hashMemory: true });
  const model = buildModel(cfg);
  const names = model.layers.map((l) => l.getClassName());
  assert.ok(names.includes('MamaHashMemory') && !names.includes('MamaAttentionBlock') && !names.includes('MemoryLayer'));
  const x = batchOf(clips, 4);
  const shapes = tf.tidy(() => (model.apply(x, { training: false }) as tf.Tensor[]).map((t) => t.shape));
  assert.deepEqual(shapes, [[4, 8, 16, 16, 1], [4, 2, 2, 2, 20]]);
  // no SW term: the encoder and the hash projection are reached only through the memory's read (top-1, one-hot)
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(() => computeLoss(model, x, lossWeights(cfg), true).total, vars);
  const dead: string[] = [];
  for (const v of vars) if (!(await grads[v.name].data()).some((g) => g !== 0)) dead.push(v.name);
  assert.deepEqual(dead, []);
  assert.ok(vars.some((v) => /enc1/.test(v.name)) && vars.some((v) => /projection/.test(v.name)));
  tf.dispose([x, value, ...Object.values(grads)]);
  model.dispose();
});

test('video SW loss: the loss grows by exactly weight x SW(encodings, memory slots)', async () => {
  await useTestBackend();
  const clips = await vtestClips();
  const weight = 0.5;
  // same seed, same layers: identical weights; only the SW model has the encodings as a third output
  const cfgSw = resolveConfig({ ...tiny, variant: 'memae', wassersteinWeight: weight });
  const cfgOff = resolveConfig({ ...tiny, variant: 'memae' });
  const withSw = buildModel(cfgSw);
  const without = buildModel(cfgOff);
  const x = batchOf(clips, 4);
  const [total, totalOff, part, expected] = tf.tidy(() => {
    const on = computeLoss(withSw, x, lossWeights(cfgSw), false);
    const off = computeLoss(without, x, lossWeights(cfgOff), false);
    const code = (withSw.apply(x, { training: false }) as tf.Tensor[])[2];
    assert.deepEqual(code.shape, [4, 2, 2, 2, 8]);
    const memory = (withSw.getLayer('memory') as unknown as { memoryMatrix: tf.Tensor2D }).memoryMatrix;
    const sw = slicedWasserstein(tf.reshape(code, [-1, 8]) as tf.Tensor2D, memory, swDirections(8, cfgSw.swProjections, cfgSw.seed));
    return [on.total, off.total, on.wasserstein, sw].map((t) => t.dataSync()[0]);
  });
  assert.ok(expected > 1e-4, `SW ${expected}`);
  assert.ok(Math.abs(part - expected) <= 1e-6 * Math.max(1, expected), `${part} vs ${expected}`);
  assert.ok(Math.abs(total - totalOff - weight * expected) <= 1e-5, `${total} - ${totalOff} vs ${weight * expected}`);
  x.dispose();
  withSw.dispose();
  without.dispose();
});

test('video mama (hash + SW): trains with finite loss and a flat tensor count, save -> MemAE.load scores the same', async () => {
  await useTestBackend();
  const clips = await vtestClips();
  const det = await MemAE.create({ ...tiny, variant: 'mama', backend: 'auto' });
  assert.equal(det.model.outputs.length, 3);
  // a few steps through the library's trainer; tensors counted after every step (Adam's slots exist from step 1)
  const counts: number[] = [];
  const res = await trainModel(det.model, det.config, clips, {
    epochs: 2, batchSize: 3, progressBar: false, onProgress: (e) => { if (e.phase === 'batch') counts.push(tf.memory().numTensors); },
  });
  assert.equal(counts.length, 6);
  assert.deepEqual(counts, counts.map(() => counts[0]), `tensors per step: ${counts}`);
  assert.ok(res.history.every((h) => Number.isFinite(h.loss) && h.loss > 0), JSON.stringify(res.history));
  const before = tf.memory().numTensors;
  await det.fit(clips, { epochs: 1, batchSize: 3, progressBar: false });
  const scores = await det.score(clips);
  // what remains is the model's cached inference plan (freed by model.dispose())
  assert.equal(tf.memory().numTensors, before + inferencePlanTensors(det.model));
  assert.ok(scores.every(Number.isFinite));
  await expectSameAfterReload(det, clips, scores, 'mama');
});
