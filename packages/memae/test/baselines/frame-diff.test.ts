// Frame differencing on real vtest.avi frames: the score is the mean |frame_t - frame_t-1| over the clip (or the
// centre pair with window 1), cross-checked against the uint8 pixels; shuffling a clip raises it; a still clip is 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDifference } from '../../src/baselines/frame-diff.js';
import { ArrayDataset } from '../../src/data/dataset.js';
import { UserError } from '../../src/errors/user-error.js';
import { ClipDataset } from '../../src/video/clips.js';
import { decodeVideoFile } from '../../src/video/ffmpeg.js';
import type { VideoFrames } from '../../src/video/frames.js';
import { VTEST_PATH } from '../helpers/videos.js';

const S = 16;
const px = S * S;

/** mean over frame pairs (t-1, t), t in [from, to), of |a - b| in [-1, 1] units, straight from the uint8 pixels */
function direct(v: VideoFrames, start: number, from: number, to: number): number {
  let sum = 0;
  for (let t = from; t < to; t++) for (let j = 0; j < px; j++) sum += Math.abs(v.pixels[(start + t) * px + j] - v.pixels[(start + t - 1) * px + j]);
  return (sum * (2 / 255)) / ((to - from) * px);
}

test('frame differencing: clip and centre-frame scores match the pixels; shuffled frames score higher; still clips 0', async () => {
  const v = await decodeVideoFile(VTEST_PATH, { size: S, maxFrames: 64 });
  const clips = new ClipDataset([v], { clipLength: 16, stride: 8 });
  const whole = new FrameDifference().fit(clips);
  const s = whole.decisionFunction(clips);
  const centre = new FrameDifference({ window: 1 }).decisionFunction(clips);
  const three = new FrameDifference({ window: 3, batchSize: 2 }).decisionFunction(clips);
  assert.equal(s.length, clips.size);
  for (let k = 0; k < clips.size; k++) {
    const st = clips.startOf[k];
    assert.ok(Math.abs(s[k] - direct(v, st, 1, 16)) < 1e-6, `clip ${k}: ${s[k]} vs ${direct(v, st, 1, 16)}`);
    assert.ok(Math.abs(centre[k] - direct(v, st, 8, 9)) < 1e-6, `clip ${k} centre`);
    assert.ok(Math.abs(three[k] - direct(v, st, 7, 10)) < 1e-6, `clip ${k} window 3`);
    assert.ok(s[k] > 0, 'people walk in every clip');
  }
  assert.deepEqual(Array.from(whole.trainingScores!), Array.from(s).sort((a, b) => a - b));

  // the same 16 frames in a shuffled order, and one frame repeated 16 times
  const order = [0, 9, 3, 14, 6, 1, 12, 4, 15, 7, 2, 10, 5, 13, 8, 11].map((f) => f * 3);
  const shuffled: VideoFrames = { name: 's', size: S, count: 16, pixels: new Uint8Array(16 * px) };
  const still: VideoFrames = { name: 'z', size: S, count: 16, pixels: new Uint8Array(16 * px) };
  const ordered: VideoFrames = { name: 'o', size: S, count: 16, pixels: new Uint8Array(16 * px) };
  order.forEach((f, i) => {
    shuffled.pixels.set(v.pixels.subarray(f * px, (f + 1) * px), i * px);
    ordered.pixels.set(v.pixels.subarray(i * 3 * px, (i * 3 + 1) * px), i * px);
    still.pixels.set(v.pixels.subarray(0, px), i * px);
  });
  const fd = new FrameDifference();
  const [sh, or, z] = [shuffled, ordered, still].map((x) => fd.decisionFunction(new ClipDataset([x], { clipLength: 16 }))[0]);
  assert.ok(sh > 1.5 * or, `shuffled ${sh} vs in order ${or}`);
  assert.equal(z, 0);
});

test('frame differencing: one-line user errors for a bad window or non-clip data', () => {
  assert.throws(() => new FrameDifference({ window: 0 }), (e: unknown) => e instanceof UserError && /window/.test(e.message));
  const rows = new ArrayDataset(new Float32Array(20), [10]);
  assert.throws(() => new FrameDifference().decisionFunction(rows), (e: unknown) => e instanceof UserError && /\[10\]/.test(e.message));
});
