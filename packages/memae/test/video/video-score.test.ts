// The default video clip score (score/video-score.ts): saved with the model and reproduced after loading, equal to
// the channels recombined by hand, the official score when asked for, and the input channels (`fd`, `still`) on
// real footage: `fd` equals FrameDifference, `still` is 0 on moving street footage and 1 on a frozen clip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MemAE } from '../../src/index.js';
import { FrameDifference } from '../../src/baselines/frame-diff.js';
import { videoPreprocessing } from '../../src/preprocess/video.js';
import { scoreModel } from '../../src/score/score.js';
import { channelStats, combineChannels, inputChannels, videoChannelScores } from '../../src/score/video-channels.js';
import { DEFAULT_VIDEO_SCORE_WEIGHTS } from '../../src/score/video-score.js';
import { ClipDataset } from '../../src/video/clips.js';
import { decodeVideoFile } from '../../src/video/ffmpeg.js';
import type { VideoFrames } from '../../src/video/frames.js';
import { useTestBackend } from '../helpers/backend.js';
import { VTEST_PATH } from '../helpers/videos.js';
import { tmp } from './video-fixtures.js';

process.env.LIBTORCH_NUM_THREADS ??= '1';

/** `v` with frames `from` .. `from + n - 1` all replaced by frame `from` (a frozen feed). */
function freeze(v: VideoFrames, from: number, n: number): VideoFrames {
  const f = v.size * v.size;
  const pixels = v.pixels.slice();
  for (let k = 1; k < n; k++) pixels.copyWithin((from + k) * f, from * f, (from + 1) * f);
  return { ...v, name: `${v.name}-frozen`, pixels };
}

test('video score: saved with the model, identical after loading, equal to the channels combined by hand', async () => {
  await useTestBackend();
  const v = await decodeVideoFile(VTEST_PATH, { size: 16, maxFrames: 60 });
  const train = new ClipDataset([{ ...v, count: 40, pixels: v.pixels.subarray(0, 40 * 256) }], { clipLength: 8, stride: 2 });
  const test = new ClipDataset([freeze({ ...v, name: 'rest', count: 20, pixels: v.pixels.slice(40 * 256) }, 6, 10)], { clipLength: 8, stride: 1 });
  const det = await MemAE.create({ kind: 'video', inputShape: [8, 16, 16, 1], encoderChannels: [4, 8, 8], slots: 20, seed: 3, preprocessing: videoPreprocessing({ size: 16, clipLength: 8, trainStride: 2 }) });
  await det.fit(train, { epochs: 1, batchSize: 4, progressBar: false });
  const spec = det.preprocessing?.kind === 'video' ? det.preprocessing.score : undefined;
  assert.ok(spec, 'a fitted video model has a score spec');
  assert.deepEqual(spec.channels.map((c) => [c.name, c.weight]), Object.entries(DEFAULT_VIDEO_SCORE_WEIGHTS));
  assert.deepEqual(spec.channels.map((c) => c.twoSided), spec.channels.map((c) => c.name === 'still'));

  const before = tf.memory().numTensors;
  const scores = await det.score(test);
  assert.equal(tf.memory().numTensors, before);
  // by hand: the channels, standardised with the statistics of the training clips, weighted
  const chTrain = await videoChannelScores(det.model, det.config, train);
  const ch = await videoChannelScores(det.model, det.config, test);
  const expected = new Float64Array(test.size);
  for (const c of spec.channels) {
    const st = channelStats(chTrain[c.name], c.name === 'still' ? { twoSided: true, minScale: 1 / 7 } : {});
    assert.ok(Math.abs(st.median - c.median) < 1e-6 && Math.abs(st.scale - c.scale) < 1e-6, `${c.name} statistics`);
    for (let k = 0; k < test.size; k++) {
      const d = ch[c.name][k] - st.median;
      expected[k] += (c.weight * (c.twoSided ? Math.abs(d) : d)) / st.scale;
    }
  }
  scores.forEach((s, k) => assert.ok(Math.abs(s - expected[k]) < 1e-4 * Math.max(1, Math.abs(expected[k])), `clip ${k}: ${s} vs ${expected[k]}`));
  // the threshold comes from the same score on the training clips
  const trainScores = Float64Array.from(await det.score(train)).sort();
  assert.ok(det.threshold! >= trainScores[0] && det.threshold! <= trainScores[trainScores.length - 1]);

  const dir = join(tmp(), 'model');
  await det.save(dir);
  const back = await MemAE.load(dir);
  assert.deepEqual(Array.from(await back.score(test)), Array.from(scores));
  assert.equal(back.threshold, det.threshold);
  // reconstructions / error maps still come with the new scores
  const detailed = await back.scoreDetailed(test, { errorMaps: true });
  assert.deepEqual(Array.from(detailed.scores), Array.from(scores));
  assert.equal(detailed.errorMaps!.length, test.size * 8 * 16 * 16);
  back.dispose();

  // with a validation set, the statistics come from it (held-out normal footage)
  await det.fit(train, { epochs: 1, batchSize: 4, progressBar: false, validation: test });
  const held = det.preprocessing?.kind === 'video' ? det.preprocessing.score! : undefined;
  const chHeld = await videoChannelScores(det.model, det.config, test);
  assert.ok(Math.abs(held!.channels[0].median - channelStats(chHeld.recon).median) < 1e-6, 'recon median of the validation clips');

  // 'official': no spec, the plain reconstruction error
  await det.fit(train, { epochs: 1, batchSize: 4, progressBar: false, videoScore: 'official' });
  assert.equal(det.preprocessing?.kind === 'video' ? det.preprocessing.score : 'not video', undefined);
  assert.deepEqual(Array.from(await det.score(test)), Array.from((await scoreModel(det.model, det.config, test)).scores));
  det.dispose();
});

test('input channels on real footage: fd equals frame differencing, still is 0 on street footage and 1 when frozen', async () => {
  const v = await decodeVideoFile(VTEST_PATH, { size: 32, maxFrames: 40 });
  const clips = new ClipDataset([v, freeze(v, 0, 40)], { clipLength: 16, stride: 4 });
  const x = clips.gather(Array.from({ length: clips.size }, (_, i) => i));
  const { fd, still } = inputChannels(x, clips.size, 16);
  const ref = new FrameDifference().decisionFunction(clips);
  fd.forEach((f, k) => assert.ok(Math.abs(f - ref[k]) < 1e-6, `clip ${k}: fd ${f} vs ${ref[k]}`));
  clips.videoOf.forEach((vid, k) => assert.equal(still[k], vid === 0 ? 0 : 1, `clip ${k} of video ${vid}`));
  // two-sided: a clip with fewer repeats than normal scores as high as one with as many more
  const st = channelStats([0.5, 0.5, 0.5], { twoSided: true, minScale: 0.1 });
  assert.deepEqual(Array.from(combineChannels({ still: [0.2, 0.8, 0.5] }, { still: st }, { still: 1 })).map((s) => Math.round(s * 1e6) / 1e6), [3, 3, 0]);
});
