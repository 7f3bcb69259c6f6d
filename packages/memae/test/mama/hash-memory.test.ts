// Hash-addressing memory: hand-computed codes, Hamming distances and reads (k = 1 and k = 2), the straight-through
// gradients to memory content and projection, and the layer's save/load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { hashReadMemory, hammingDistance, hashCodes, signSte } from '../../src/memory/hash-memory.js';
import { HashMemoryLayer } from '../../src/memory/hash-memory-layer.js';
import { useTestBackend } from '../helpers/backend.js';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-5) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) < tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

// projection = identity: codes are the signs of the coordinates
const P = () => tf.tensor2d([[1, 0], [0, 1]]);
const Q = () => tf.tensor2d([[1, 2], [-1, -0.5]]); // codes (+,+), (-,-)
const M = () => tf.tensor2d([[0.5, 0.5], [-2, 3], [-0.1, -0.1]]); // codes (+,+), (-,+), (-,-)

test('hash memory: codes, Hamming distances and the k = 1 read on a hand-computed case', async () => {
  await useTestBackend();
  const [q, m, p] = [Q(), M(), P()];
  close(await hashCodes(q, p).data(), [1, 1, -1, -1]);
  close(await hammingDistance(hashCodes(q, p), hashCodes(m, p)).data(), [0, 1, 2, 2, 1, 0]);
  const r = hashReadMemory(q, m, p, { topK: 1, straightThrough: false });
  close(await r.weights.data(), [1, 0, 0, 0, 0, 1]);
  close(await r.output.data(), [0.5, 0.5, -0.1, -0.1]);
  // the straight-through path leaves forward values unchanged
  const st = hashReadMemory(q, m, p, { topK: 1, straightThrough: true });
  close(await st.output.data(), [0.5, 0.5, -0.1, -0.1]);
  assert.equal(signSte(tf.tensor1d([0])).dataSync()[0], 1);
  tf.dispose([q, m, p, r.output, r.weights, r.distance, st.output, st.weights, st.distance]);
});

test('hash memory: k = 2 weights the two nearest slots by softmax(-distance)', async () => {
  await useTestBackend();
  const [q, m, p] = [Q(), M(), P()];
  const r = hashReadMemory(q, m, p, { topK: 2, straightThrough: false });
  const a = Math.exp(0) / (Math.exp(0) + Math.exp(-1));
  // query 0: slots 0 (d 0) and 1 (d 1); query 1: slots 2 (d 0) and 1 (d 1)
  close(await r.weights.data(), [a, 1 - a, 0, 0, 1 - a, a]);
  close(await r.output.data(), [a * 0.5 + (1 - a) * -2, a * 0.5 + (1 - a) * 3, a * -0.1 + (1 - a) * -2, a * -0.1 + (1 - a) * 3]);
  assert.throws(() => hashReadMemory(q, m, p, { topK: 4 }), /topK/);
  tf.dispose([q, m, p, r.output, r.weights, r.distance]);
});

test('hash memory: gradients reach the memory content (chosen rows) and the projection (straight-through)', async () => {
  await useTestBackend();
  const q = tf.randomUniform([6, 4], -0.5, 0.5, 'float32', 1) as tf.Tensor2D;
  const m = tf.variable(tf.randomUniform([5, 4], -0.5, 0.5, 'float32', 2), true, 'hm_m');
  const p = tf.variable(tf.randomNormal([4, 3], 0, 0.5, 'float32', 3), true, 'hm_p');
  const target = tf.randomUniform([6, 4], -1, 1, 'float32', 4);
  const { value, grads } = tf.variableGrads(() => {
    const r = hashReadMemory(q, m as unknown as tf.Tensor2D, p as unknown as tf.Tensor2D, { topK: 1 });
    return tf.sum(tf.squaredDifference(r.output, target)) as tf.Scalar;
  }, [m, p]);
  const gm = await grads[m.name].data();
  assert.ok(gm.some((v) => v !== 0), 'memory gets no gradient');
  assert.ok((await grads[p.name].data()).some((v) => v !== 0), 'projection gets no gradient');
  // only read rows get the direct gradient of w M; rows never read get it only through their codes (ST path)
  tf.dispose([q, m, p, target, value, ...Object.values(grads)]);
});

test('hash memory layer: shapes per location, one-hot weights in inference, config round trip', async () => {
  await useTestBackend();
  const layer = new HashMemoryLayer({ slots: 7, bits: 8, topK: 1, seed: 3 });
  const x = tf.randomUniform([2, 3, 3, 5], -1, 1, 'float32', 5);
  const [z, w] = layer.apply(x) as tf.Tensor[];
  assert.deepEqual([z.shape, w.shape], [[2, 3, 3, 5], [2, 3, 3, 7]]);
  const sums = await tf.sum(w, -1).data();
  assert.ok(sums.every((v) => Math.abs(v - 1) < 1e-6));
  assert.ok((await w.data()).every((v) => v === 0 || v === 1));
  const cfg = layer.getConfig();
  assert.deepEqual([cfg.slots, cfg.bits, cfg.topK, cfg.seed], [7, 8, 1, 3]);
  assert.throws(() => new HashMemoryLayer({ slots: 3, topK: 4 }), /topK/);
  tf.dispose([x, z, w]);
  layer.dispose();
});
