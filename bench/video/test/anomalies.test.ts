// Injected anomalies on real vtest.avi frames: deterministic per seed, labels exactly on the window, and each kind
// does what it says (a permutation, 3x speed, backwards without a jump, shifted frames, a mirrored square, a sprite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeVideoFile } from '../../../packages/memae/src/video/ffmpeg.js';
import type { VideoFrames } from '../../../packages/memae/src/video/frames.js';
import { injectEvent, TEST_KINDS, VALIDATION_KINDS } from '../anomalies.js';
import { VTEST_PATH } from '../vtest-data.js';

const S = 32;
const px = S * S;
const frameOf = (v: VideoFrames, f: number): Uint8Array => v.pixels.subarray(f * px, (f + 1) * px);
/** index of the source frame equal to output frame `f` (the source's frames are all distinct) */
const sourceIndex = (src: VideoFrames, out: VideoFrames, f: number): number => {
  const o = frameOf(out, f);
  for (let i = 0; i < src.count; i++) if (frameOf(src, i).every((p, j) => p === o[j])) return i;
  return -1;
};

test('injected anomalies: deterministic, labelled on the window, each kind as described', async () => {
  const src = await decodeVideoFile(VTEST_PATH, { size: S, maxFrames: 140 });
  for (const kind of [...TEST_KINDS, ...VALIDATION_KINDS]) {
    const a = injectEvent(src, kind, 'x', { seed: 5, length: 12 });
    const b = injectEvent(src, kind, 'x', { seed: 5, length: 12 });
    assert.deepEqual(a.event, b.event, kind);
    assert.deepEqual(a.video.pixels, b.video.pixels, kind);
    const { first, last } = a.event;
    assert.equal(last - first + 1, 12, kind);
    assert.ok(first >= 16 && a.video.count - last > 16, `${kind}: window away from both ends`);
    a.video.labels!.forEach((l, f) => assert.equal(l, f >= first && f <= last ? 1 : 0, `${kind} frame ${f}`));
    const idx = Array.from({ length: a.video.count }, (_, f) => sourceIndex(src, a.video, f));
    const outside = idx.filter((_, f) => f < first || f > last);
    assert.ok(outside.every((i) => i >= 0), `${kind}: frames outside the window are untouched source frames`);
    const inside = idx.slice(first, last + 1);
    if (kind === 'temporal-shuffle') {
      assert.deepEqual([...inside].sort((x, y) => x - y), Array.from({ length: 12 }, (_, k) => first + k));
      assert.notDeepEqual(inside, Array.from({ length: 12 }, (_, k) => first + k));
    } else if (kind === 'speed-change') {
      const steps = inside.slice(1).map((v, k) => v - inside[k]);
      assert.ok(a.event.detail === '3x faster' ? steps.every((d) => d === 3) : steps.every((d) => d === 0 || d === 1) && steps.filter((d) => d === 0).length === 8, `${kind} ${a.event.detail}: ${steps}`);
    } else if (kind === 'reversed') {
      assert.ok(inside.slice(1).every((v, k) => v === inside[k] - 1), 'backwards inside the window');
      // no jump anywhere: consecutive output frames are neighbouring (or the same) source frames
      assert.ok(idx.slice(1).every((v, k) => Math.abs(v - idx[k]) <= 1), 'no jump');
    } else if (kind === 'freeze') {
      // one source frame held for the window, then the feed resumes live (a jump of the window's length)
      assert.ok(inside.every((v) => v === first), `${kind}: ${inside}`);
      assert.equal(idx[last + 1], first + 12);
    } else if (kind === 'time-jump') {
      assert.ok(inside[0] - first >= 20 && inside.slice(1).every((v, k) => v === inside[k] + 1));
    } else {
      // pixel kinds: every window frame differs from the source frame at the same place
      assert.equal(a.video.count, src.count, kind);
      for (let f = first; f <= last; f++) assert.ok(frameOf(a.video, f).some((p, j) => p !== frameOf(src, f)[j]), `${kind} frame ${f} changed`);
    }
    if (kind === 'flipped-region') {
      const m = a.event.detail.match(/(\d+) px square at \((\d+), (\d+)\)/)!;
      const [side, x0, y0] = m.slice(1).map(Number);
      const o = frameOf(a.video, first), s = frameOf(src, first);
      for (let y = y0; y < y0 + side; y++) for (let x = 0; x < side; x++) assert.equal(o[y * S + x0 + x], s[y * S + x0 + side - 1 - x]);
    }
  }
  assert.notDeepEqual(injectEvent(src, 'camera-shake', 'x', { seed: 6, length: 12 }).event, injectEvent(src, 'camera-shake', 'x', { seed: 5, length: 12 }).event);
  assert.throws(() => injectEvent({ ...src, count: 40, pixels: src.pixels.subarray(0, 40 * px) }, 'speed-change', 'x', { seed: 1, length: 30 }), /too few/);
});
