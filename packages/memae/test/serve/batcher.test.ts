// Micro-batching: concurrent requests share forward passes, results go back to the right caller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MicroBatcher, type BatchOutput } from '../../src/serve/batcher.js';

// a real batch computation: score = sum of the sample's values, map = the values doubled
function makeRunner(sizes: number[]) {
  return async (x: Float32Array, n: number, withMaps: boolean): Promise<BatchOutput> => {
    sizes.push(n);
    await new Promise((r) => setTimeout(r, 3));
    const d = x.length / n;
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) scores[i] += x[i * d + k];
    return { scores, maps: withMaps ? x.map((v) => 2 * v) : undefined };
  };
}

test('concurrent requests are merged into few forward passes and answered in order', async () => {
  const sizes: number[] = [];
  const b = new MicroBatcher(makeRunner(sizes), 2, 2, 16, 5);
  const reqs = Array.from({ length: 40 }, (_, i) => b.submit(Float32Array.of(i, 1), 1, i % 3 === 0));
  const outs = await Promise.all(reqs);
  outs.forEach((o, i) => {
    assert.equal(o.scores.length, 1);
    assert.equal(o.scores[0], i + 1);
    if (i % 3 === 0) assert.deepEqual(Array.from(o.maps!), [2 * i, 2]);
    else assert.equal(o.maps, undefined);
  });
  assert.equal(sizes.reduce((a, c) => a + c, 0), 40);
  assert.ok(sizes.length <= 4, `40 concurrent requests took ${sizes.length} passes`);
  assert.ok(Math.max(...sizes) <= 16);
  assert.deepEqual(b.stats, { batches: sizes.length, samples: 40 });
});

test('a request larger than maxBatch runs alone; multi-sample requests get their slice', async () => {
  const sizes: number[] = [];
  const b = new MicroBatcher(makeRunner(sizes), 1, 1, 4, 1);
  const [big, small] = await Promise.all([b.submit(Float32Array.of(1, 2, 3, 4, 5, 6), 6, false), b.submit(Float32Array.of(7, 8), 2, false)]);
  assert.deepEqual(Array.from(big.scores), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(small.scores), [7, 8]);
  assert.deepEqual(sizes, [6, 2]);
});

test('a failing forward pass rejects every request of its batch, later batches still run', async () => {
  let calls = 0;
  const b = new MicroBatcher(async (x, n) => {
    if (calls++ === 0) throw new Error('engine failure');
    return { scores: x.slice(0, n) };
  }, 1, 1, 8, 2);
  const first = await Promise.allSettled([b.submit(Float32Array.of(1), 1, false), b.submit(Float32Array.of(2), 1, false)]);
  assert.deepEqual(first.map((r) => r.status), ['rejected', 'rejected']);
  assert.deepEqual(Array.from((await b.submit(Float32Array.of(3), 1, false)).scores), [3]);
  await b.drain();
});
