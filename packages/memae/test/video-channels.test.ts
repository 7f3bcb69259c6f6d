// Video score channels: `recon` equals the official clip score of scoreModel, `motion` the mean |dt x - dt r|
// recomputed from the returned reconstructions; robust statistics, channel combination and multi-scale smoothing
// cross-checked by hand; tensor counts flat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, resolveConfig } from '../src/models/index.js';
import { inferencePlanTensors } from '../src/models/inference-plan.js';
import { scoreModel } from '../src/score/score.js';
import { channelStats, combineChannels, multiScaleClipScores, videoChannelScores } from '../src/score/video-channels.js';
import { UserError } from '../src/errors/user-error.js';
import { ClipDataset } from '../src/video/clips.js';
import { decodeVideoFile } from '../src/video/ffmpeg.js';
import { useTestBackend } from './helpers/backend.js';
import { VTEST_PATH } from './helpers/videos.js';

test('video channels: recon = official clip score, motion = temporal-difference error of the reconstruction', async () => {
  await useTestBackend();
  const v = await decodeVideoFile(VTEST_PATH, { size: 16, maxFrames: 30 });
  const clips = new ClipDataset([v], { clipLength: 8, stride: 4 });
  const cfg = resolveConfig({ kind: 'video', variant: 'memae', inputShape: [8, 16, 16, 1], encoderChannels: [4, 8, 8], slots: 20, seed: 3 });
  const model = buildModel(cfg);
  const before = tf.memory().numTensors;
  const ch = await videoChannelScores(model, cfg, clips, { batchSize: 3 });
  // what remains is the model's cached inference plan (freed by model.dispose())
  assert.equal(tf.memory().numTensors, before + inferencePlanTensors(model));
  const ref = await scoreModel(model, cfg, clips, { reconstructions: true });
  const per = 8 * 16 * 16;
  for (let k = 0; k < clips.size; k++) {
    assert.ok(Math.abs(ch.recon[k] - ref.scores[k]) < 1e-5, `clip ${k} recon`);
    const x = clips.gather([k]);
    const r = ref.reconstructions!.subarray(k * per, (k + 1) * per);
    let sum = 0;
    for (let t = 1; t < 8; t++) for (let j = 0; j < 256; j++) sum += Math.abs(x[t * 256 + j] - x[(t - 1) * 256 + j] - (r[t * 256 + j] - r[(t - 1) * 256 + j]));
    assert.ok(Math.abs(ch.motion[k] - sum / (7 * 256)) < 1e-5, `clip ${k} motion ${ch.motion[k]} vs ${sum / (7 * 256)}`);
  }
  model.dispose();
  const img = resolveConfig({ kind: 'image', inputShape: [28, 28, 1], encoderChannels: [4, 8, 8] });
  const m2 = buildModel(img);
  await assert.rejects(videoChannelScores(m2, img, clips), (e: unknown) => e instanceof UserError && /video model/.test(e.message));
  m2.dispose();
});

test('channel statistics, combination and multi-scale smoothing', () => {
  // median 3, absolute deviations [2, 1, 0, 1, 7] -> MAD 1
  assert.deepEqual(channelStats([1, 2, 3, 4, 10]), { median: 3, scale: 1.4826 });
  assert.deepEqual(channelStats([5, 5, 5]).scale, 1); // no spread at all: scale 1, never a division by 0
  const c = combineChannels({ a: [3, 4], b: [10, 30] }, { a: { median: 3, scale: 1 }, b: { median: 10, scale: 10 } }, { a: 1, b: 0.5 });
  assert.deepEqual(Array.from(c), [0, 1 + 0.5 * 2]);
  assert.throws(() => combineChannels({ a: [1] }, {}, { a: 1 }), UserError);

  // two videos of 3 and 2 clips (clip length 2, stride 1): windows never cross a video
  const vid = (name: string, count: number) => ({ name, size: 1, count, pixels: new Uint8Array(count) });
  const clips = new ClipDataset([vid('a', 4), vid('b', 3)], { clipLength: 2 });
  const s = [1, 4, 7, 100, 200];
  assert.deepEqual(Array.from(multiScaleClipScores(clips, s, [1])), s);
  const three = Array.from(multiScaleClipScores(clips, s, [3]));
  assert.deepEqual(three, [2.5, 4, 5.5, 150, 150]);
  const both = Array.from(multiScaleClipScores(clips, s, [1, 3]));
  both.forEach((v, i) => assert.ok(Math.abs(v - (s[i] + three[i]) / 2) < 1e-4));
  assert.throws(() => multiScaleClipScores(clips, s, [2]), (e: unknown) => e instanceof UserError && /odd/.test(e.message));
});

