// Edge cases where libtorch (ATen) and tfjs disagree by design: tfjs' cpu backend is the reference.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectSameAsCpu, floats as f } from './harness.js';

/** The error message fn throws on a backend (undefined when it does not throw). */
async function thrown(backend: string, fn: () => tf.Tensor): Promise<string | undefined> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  try {
    tf.tidy(fn).dispose();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    assert.equal(tf.memory().numTensors, before, `${backend}: no tensor left behind`);
  }
}

describe('matMul of rank-1 operands throws as on cpu', () => {
  const cases: [string, () => tf.Tensor][] = [
    ['vector x vector', () => tf.matMul(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 2, 3]))],
    ['vector x matrix', () => tf.matMul(tf.tensor1d([1, 2, 3]), tf.ones([3, 2]))],
    ['matrix x vector', () => tf.matMul(tf.ones([2, 3]), tf.tensor1d([1, 2, 3]))],
  ];
  for (const [name, fn] of cases) {
    it(name, async () => {
      const want = await thrown('cpu', fn);
      assert.ok(want, 'cpu throws');
      assert.equal(await thrown('libtorch', fn), want);
    });
  }
  it('fused, vector x matrix: throws on both (the message differs)', async () => {
    const fn = () => tf.fused.matMul({ a: tf.tensor1d([1, 2, 3]), b: tf.ones([3, 2]), bias: tf.ones([2]), activation: 'relu' });
    assert.ok(await thrown('cpu', fn));
    assert.ok(await thrown('libtorch', fn));
  });
  it('rank-2 products still run natively and match cpu', () => expectSameAsCpu([f([2, 3], 1), f([3, 4], 2)], (a, b) => tf.matMul(a, b)));
});

describe('mean of an empty tensor matches cpu', () => {
  const empty = (shape: number[]) => ({ values: new Float32Array(0), shape });
  it('all axes of [0]', () => expectSameAsCpu([empty([0])], (x) => tf.mean(x)));
  it('axis 0 of [0, 3]', () => expectSameAsCpu([empty([0, 3])], (x) => [tf.mean(x, 0), tf.mean(x, 0, true)]));
  it('axis 1 of [0, 3]', () => expectSameAsCpu([empty([0, 3])], (x) => tf.mean(x, 1)));
  it('int32', () => expectSameAsCpu([{ values: new Int32Array(0), shape: [2, 0], dtype: 'int32' }], (x) => [tf.mean(x), tf.mean(x, 1)]));
});
