import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVtestBenchmark, VTEST_PATH } from '../vtest-data.js';
import { loadVideoSplit } from '../../../packages/memae/src/video/layout.js';
import { decodeVideoFile } from '../../../packages/memae/src/video/ffmpeg.js';
import { UserError } from '../../../packages/memae/src/errors/user-error.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'memae-vtest-'));

test('vtest benchmark: deterministic, Ped2-like, ground truth = frames where the injected objects are', async () => {
  const a = tmp();
  const b = tmp();
  const m = await makeVtestBenchmark({ out: a, size: 32, seed: 7 });
  const m2 = await makeVtestBenchmark({ out: b, size: 32, seed: 7 });
  assert.deepEqual(m2, { ...m, source: m2.source });
  for (const f of ['Test/Test001/050.tif', 'Test/Test003/040.tif', 'Train/Train002/010.tif', 'Test/vtest_gt.m']) {
    assert.deepEqual(readFileSync(join(a, f)), readFileSync(join(b, f)), f);
  }
  assert.deepEqual(m.events.map((e) => e.kind), ['fast-vehicle', 'odd-object', 'sudden-appearance']);
  const other = await makeVtestBenchmark({ out: tmp(), size: 32, seed: 8 });
  assert.notDeepEqual(other.events, m.events);

  // 60% training (795 frames -> 477), the rest in three test videos
  const train = await loadVideoSplit(a, 'train', { size: 32 });
  assert.equal(train.reduce((s, v) => s + v.count, 0), 477);
  const test = await loadVideoSplit(a, 'test', { size: 32 });
  assert.equal(test.reduce((s, v) => s + v.count, 0), 795 - 477);
  const source = await decodeVideoFile(VTEST_PATH, { size: 32 });
  const frame = 32 * 32;
  test.forEach((v, i) => {
    const ev = m.events[i];
    const s0 = m.test[i].sourceFrames[0];
    for (let f = 0; f < v.count; f++) {
      assert.equal(v.labels![f], f + 1 >= ev.first && f + 1 <= ev.last ? 1 : 0);
      // frames differ from the source footage (beyond TIFF round trip, which is lossless) exactly where labelled
      const got = v.pixels.subarray(f * frame, (f + 1) * frame);
      const src = source.pixels.subarray((s0 + f) * frame, (s0 + f + 1) * frame);
      const changed = got.some((p, j) => p !== src[j]);
      assert.equal(changed, v.labels![f] === 1, `${v.name} frame ${f + 1}`);
    }
  });
  await assert.rejects(makeVtestBenchmark({ out: tmp(), source: '/nonexistent.avi' }), (e: Error) => e instanceof UserError && /opencv-doc/.test(e.message));
});
