// Inputs that native kernels do not take (string and complex64 tensors, kernels without a
// native version) run on tfjs-cpu instead, with the same results and no leaked tensors.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fallbackKernelsUsed } from '../src/index.js';
import { expectSameAsCpu, rand } from './harness.js';

async function onLibtorch<T>(fn: () => Promise<T>): Promise<T> {
  await tf.setBackend('libtorch');
  return fn();
}

describe('fallback to tfjs-cpu', () => {
  it('string tensors through native kernels (Equal, Reshape, Concat, Slice) fall back cleanly', () => onLibtorch(async () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor(['a', 'bb', 'c', 'dd']);
    const b = tf.tensor(['a', 'x', 'c', 'y']);
    const eq = tf.equal(a, b);
    assert.equal(eq.dtype, 'bool');
    assert.deepEqual(Array.from(await eq.data()), [1, 0, 1, 0]);
    const r = tf.reshape(a, [2, 2]);
    assert.deepEqual(await r.array(), [['a', 'bb'], ['c', 'dd']]);
    const c = tf.concat([a, b]);
    assert.deepEqual(await c.data(), ['a', 'bb', 'c', 'dd', 'a', 'x', 'c', 'y']);
    const g = tf.slice(a, 1, 2);
    assert.deepEqual(await g.data(), ['bb', 'c']);
    tf.dispose([a, b, eq, r, c, g]);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(fallbackKernelsUsed().some((k) => k.startsWith('Equal got a string or complex64 input')));
  }));

  it('complex64 tensors (complex, add, abs, real, imag) match cpu', () => expectSameAsCpu(
    [{ values: rand([6], 1), shape: [6] }, { values: rand([6], 2), shape: [6] }],
    (re, im) => {
      const z = tf.complex(re, im);
      const w = tf.add(z, z);
      return [tf.abs(w), tf.real(w), tf.imag(tf.reshape(w, [2, 3]))];
    }));

  it('Fill with a string value and Cast to complex64 run on cpu', () => onLibtorch(async () => {
    const s = tf.fill([2, 2], 'ab');
    assert.equal(s.dtype, 'string');
    assert.deepEqual(await s.data(), ['ab', 'ab', 'ab', 'ab']);
    const z = tf.cast(tf.tensor1d([1.5, -2]), 'complex64');
    assert.equal(z.dtype, 'complex64');
    const [re, im] = [tf.real(z), tf.imag(z)];
    assert.deepEqual(Array.from(await re.data()), [1.5, -2]);
    assert.deepEqual(Array.from(await im.data()), [0, 0]);
    tf.dispose([s, z, re, im]);
  }));

  it('kernels without a native version (Unique, LinSpace, Einsum) match cpu', () => expectSameAsCpu(
    [{ values: [3, 1, 3, 2, 1], shape: [5] }, { values: rand([2, 3], 3), shape: [2, 3] }, { values: rand([3, 4], 4), shape: [3, 4] }],
    (x, a, b) => { const u = tf.unique(x); return [u.values, u.indices, tf.linspace(0, 1, 5), tf.einsum('ij,jk->ik', a, b)]; }));

  it('leaves no native tensors behind', () => onLibtorch(async () => {
    const backend = tf.backend() as unknown as { numNativeTensors(): number };
    const before = backend.numNativeTensors();
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 2], [3, 4]]);
      const s = tf.tensor(['p', 'q']);
      tf.equal(s, s);
      tf.unique(tf.reshape(x, [4]));
      tf.sum(tf.transpose(tf.reshape(x, [4, 1])));
      tf.split(tf.reshape(x, [2, 2]), 2);
    });
    assert.equal(backend.numNativeTensors(), before);
  }));

  it('a native error is a JS Error with a clear message, not a crash', () => onLibtorch(async () => {
    const x = tf.tensor1d([1, 2, 3]);
    assert.throws(() => tf.gather(x, tf.tensor1d([5], 'int32')), /GatherV2: the index value 5 is not in \[0, 2\]/);
    const b = tf.backend() as unknown as { addon: { slice(id: number, begin: number[], size: number[]): number }; id(t: tf.TensorInfo): number };
    assert.throws(() => b.addon.slice(b.id(x), [0, 0], [1, 1]), /slice: begin and size need one entry per dimension/);
    assert.throws(() => b.addon.slice(987654, [0], [1]), /unknown tensor id 987654/);
    x.dispose();
  }));
});
