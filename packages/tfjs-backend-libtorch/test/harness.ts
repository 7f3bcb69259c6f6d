// Conformance harness: run the same tfjs code on `libtorch` and on tfjs' `cpu` backend with
// identical inputs and compare every output element to a tolerance.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs registers its gradients (tf.grads) with tfjs-layers.
import '@tensorflow/tfjs-layers';
import assert from 'node:assert/strict';
import { registerLibtorchBackend } from '../src/index.js';

registerLibtorchBackend();

/** Deterministic pseudo-random values (mulberry32), so failures reproduce. */
export function rand(shape: number[], seed = 1, lo = -1, hi = 1): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

export interface InputSpec { values: Float32Array | Int32Array | Uint8Array | number[]; shape: number[]; dtype?: tf.DataType }

async function runOn(backend: string, specs: InputSpec[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) {
  await tf.setBackend(backend);
  const xs = specs.map((s) => tf.tensor(s.values as Float32Array, s.shape, s.dtype ?? 'float32'));
  const res = fn(...xs);
  const outs = Array.isArray(res) ? res : [res];
  const vals = await Promise.all(outs.map(async (o) => ({ shape: o.shape, dtype: o.dtype, data: Array.from(await o.data() as Float32Array) })));
  tf.dispose([...xs, ...outs]);
  return vals;
}

/** Asserts that fn gives the same shapes, dtypes and values (within tol) on both backends. */
export async function expectSameAsCpu(specs: InputSpec[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], tol = 1e-4) {
  const got = await runOn('libtorch', specs, fn);
  const want = await runOn('cpu', specs, fn);
  assert.equal(got.length, want.length);
  got.forEach((g, i) => {
    const w = want[i];
    assert.deepEqual(g.shape, w.shape, `output ${i} shape`);
    assert.equal(g.dtype, w.dtype, `output ${i} dtype`);
    for (let k = 0; k < w.data.length; k++) {
      const a = g.data[k], b = w.data[k];
      if (a === b) continue; // equal infinities included
      if (Number.isNaN(b)) { assert.ok(Number.isNaN(a), `output ${i}[${k}] expected NaN, got ${a}`); continue; }
      const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
      if (!(err <= tol)) assert.fail(`output ${i}[${k}]: libtorch ${a} vs cpu ${b} (tolerance ${tol})`);
    }
  });
}

/** Input specs for conformance tests: seeded floats in [lo, hi), integers, booleans (1 where u > p), explicit int32 indices. */
export const floats = (shape: number[], seed: number, lo = -2, hi = 2): InputSpec => ({ values: rand(shape, seed, lo, hi), shape });
export const ints = (shape: number[], seed: number, lo = -9, hi = 9): InputSpec =>
  ({ values: Int32Array.from(rand(shape, seed, lo, hi), Math.round), shape, dtype: 'int32' });
export const bools = (shape: number[], seed: number, p = 0.5): InputSpec =>
  ({ values: Uint8Array.from(rand(shape, seed, 0, 1), (v) => (v > p ? 1 : 0)), shape, dtype: 'bool' });
export const idx = (values: number[], shape = [values.length]): InputSpec => ({ values, shape, dtype: 'int32' });
