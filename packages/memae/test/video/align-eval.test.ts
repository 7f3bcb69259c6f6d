import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClipDataset, clipStarts, centreOffset } from '../../src/video/clips.js';
import { clipScoresToFrames, regularity, anomalyFromErrors } from '../../src/video/align.js';
import { auroc } from '../../src/metrics/roc.js';
import { evaluateClipScores } from '../../src/video/evaluate.js';
import type { VideoFrames } from '../../src/video/frames.js';
import { UserError } from '../../src/errors/user-error.js';

/** a video whose pixel values equal the frame number (mod 256) */
function rampVideo(name: string, count: number, size = 2, labels?: number[]): VideoFrames {
  const pixels = new Uint8Array(count * size * size);
  for (let f = 0; f < count; f++) pixels.fill(f % 256, f * size * size, (f + 1) * size * size);
  return { name, size, count, pixels, labels: labels ? Uint8Array.from(labels) : undefined };
}

test('clips: starts, shape, lazy gather normalised to [-1, 1], centre-frame labels', () => {
  assert.deepEqual(clipStarts(20, 16, 1), [0, 1, 2, 3, 4]);
  assert.deepEqual(clipStarts(40, 16, 10), [0, 10, 20]);
  assert.equal(centreOffset(16), 8);
  const labels = Array.from({ length: 20 }, (_, f) => (f >= 10 ? 1 : 0));
  const d = new ClipDataset([rampVideo('a', 20, 2, labels), rampVideo('b', 17, 2, new Array(17).fill(0))], { clipLength: 16, stride: 1 });
  assert.equal(d.size, 5 + 2);
  assert.deepEqual(d.sampleShape, [16, 2, 2, 1]);
  assert.deepEqual(Array.from(d.labels!), [0, 0, 1, 1, 1, 0, 0]); // clip k of video a -> frame k + 8
  const x = d.gather([2, 6]);
  assert.equal(x.length, 2 * 16 * 4);
  assert.equal(x[0], Math.fround((2 / 255) * 2 - 1)); // clip 2 starts at frame 2
  assert.equal(x[15 * 4], Math.fround((17 / 255) * 2 - 1));
  assert.equal(x[64], Math.fround((1 / 255) * 2 - 1)); // clip 6 = video b, start 1
  assert.equal(Math.min(...x) >= -1 && Math.max(...x) <= 1, true);
  assert.deepEqual(d.clipsOfVideo(1), [5, 6]);
  assert.throws(() => new ClipDataset([rampVideo('short', 10)], { clipLength: 16 }), (e: Error) => e instanceof UserError && /'short' has 10 frames/.test(e.message));
  assert.throws(() => d.gather([7]), RangeError);
});

test('align: stride 1 puts clip k on frame k + 8 (official gt[8:-7]); edges excluded by default', () => {
  const frames = 30;
  const starts = clipStarts(frames, 16, 1); // 15 clips
  const scores = starts.map((s) => 100 + s);
  const r = clipScoresToFrames(scores, starts, frames, 16);
  for (let k = 0; k < starts.length; k++) assert.equal(r.scores[k + 8], 100 + k);
  // counted frames are exactly gt[8:-7]
  const counted = Array.from(r.counted);
  assert.deepEqual(counted, Array.from({ length: frames }, (_, f) => (f >= 8 && f < frames - 7 ? 1 : 0)));
  // first 8 frames copy the first clip, last 7 copy the last clip
  assert.equal(r.scores[0], 100);
  assert.equal(r.scores[frames - 1], 100 + starts.length - 1);
  const inc = clipScoresToFrames(scores, starts, frames, 16, 'include');
  assert.equal(inc.counted.reduce((a, b) => a + b, 0), frames);
});

test('align: stride 4 fills frames between centres from the nearest centre', () => {
  const starts = clipStarts(30, 16, 4); // 0 4 8 12 -> centres 8 12 16 20
  const r = clipScoresToFrames([1, 2, 3, 4], starts, 30, 16);
  assert.deepEqual(Array.from(r.scores.subarray(8, 21)), [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4]);
  assert.equal(r.counted.reduce((a, b) => a + b, 0), 13);
});

test('regularity: per-video min-max, anomaly = 1 - p; constant scores are all regular', () => {
  assert.deepEqual(Array.from(regularity([2, 4, 3])), [1, 0, 0.5]);
  assert.deepEqual(Array.from(anomalyFromErrors([2, 4, 3])), [0, 1, 0.5]);
  assert.deepEqual(Array.from(regularity([5, 5])), [1, 1]);
});

test('auroc (metrics/roc.ts) on hand-made frame-level cases, ties count one half', () => {
  assert.equal(auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75); // sklearn roc_auc_score: 0.75
  assert.equal(auroc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), 0.875); // sklearn: 0.875
  assert.equal(auroc([1, 0, 1, 0], [3, 3, 3, 3]), 0.5);
  assert.equal(auroc([1, 1, 0, 0], [0, 0, 1, 1]), 0);
  assert.throws(() => auroc([1, 1], [0.1, 0.2]), (e: Error) => e instanceof UserError && /only one class present/.test(e.message));
});

test('evaluate: frame AUC over videos concatenated after per-video normalisation', () => {
  // video a: anomaly at frames 12..15; b: all normal except frames 10..11. Clip errors follow the centre-frame
  // labels but on different scales per video: the per-video min-max makes them comparable -> AUC 1.
  const la = Array.from({ length: 30 }, (_, f) => (f >= 12 && f <= 15 ? 1 : 0));
  const lb = Array.from({ length: 24 }, (_, f) => (f === 10 || f === 11 ? 1 : 0));
  const d = new ClipDataset([rampVideo('a', 30, 2, la), rampVideo('b', 24, 2, lb)], { clipLength: 16 });
  const errs = Array.from({ length: d.size }, (_, k) => {
    const v = d.videoOf[k];
    const lab = (v === 0 ? la : lb)[d.startOf[k] + 8];
    return v === 0 ? 10 + 5 * lab : 0.1 + 0.01 * lab;
  });
  const ev = evaluateClipScores(d, errs);
  assert.equal(ev.auc, 1);
  assert.equal(ev.frames, 30 - 15 + 24 - 15);
  assert.equal(ev.videos[1].anomaly[10], 1);
  // without normalisation video a (all errors >= 10) would be above every frame of b: concatenated raw errors give < 1
  const raw: number[] = [];
  const lab: number[] = [];
  ev.videos.forEach((v) => v.counted.forEach((c, f) => { if (c) { raw.push(v.error[f]); lab.push(v.labels![f]); } }));
  assert.ok(auroc(lab, raw) < 1);
  // a one-frame shift of the alignment is visible in the AUC
  const shifted = errs.map((_, k) => errs[Math.min(k + 1, errs.length - 1)]);
  assert.ok(evaluateClipScores(d, shifted).auc! < 1);
  assert.throws(() => evaluateClipScores(d, [1, 2]), /2 clip scores for 24 clips/);
});
