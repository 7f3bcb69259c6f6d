// Per-channel one-pass kernels (native/rows.cc: batch norm with [C] statistics, Add / Sub / Multiply
// with a [C] vector) against tfjs cpu: contiguous inputs, cropped views (a 'same' stride-2
// conv2dTranspose returns a narrowed view here), one channel, other ranks, both operand orders, and
// the shapes that must fall back to ATen's broadcasting.
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { expectSameAsCpu, rand } from './harness.js';

const f = (shape: number[], seed: number, lo = -1, hi = 1) => ({ values: rand(shape, seed, lo, hi), shape });
/** A cropped view on libtorch: 'same' stride-2 transposed convolution of x [n, h, w, ci] to c channels. */
const upsampled = (x: tf.Tensor, w: tf.Tensor) => {
  const [n, h, wd] = x.shape;
  return tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [n, 2 * h, 2 * wd, w.shape[2] as number], 2, 'same');
};

describe('bias add and per-channel binary ops match cpu', () => {
  for (const c of [1, 3, 16]) {
    const x = f([2, 5, 6, c], 1), bias = f([c], 2);
    it(`x + bias, ${c} channels`, () => expectSameAsCpu([x, bias], (x, b) => tf.add(x, b)));
    it(`bias + x, ${c} channels`, () => expectSameAsCpu([x, bias], (x, b) => tf.add(b, x)));
    it(`x - bias and bias - x, ${c} channels`, () => expectSameAsCpu([x, bias], (x, b) => [tf.sub(x, b), tf.sub(b, x)]));
    it(`x * scale, both orders, ${c} channels`, () => expectSameAsCpu([x, bias], (x, b) => [tf.mul(x, b), tf.mul(b, x)]));
    it(`cropped conv2dTranspose result + bias, ${c} channels`, () =>
      expectSameAsCpu([f([2, 4, 4, 6], 3), f([3, 3, c, 6], 4), bias], (x, w, b) => tf.add(upsampled(x, w), b)));
  }
  it('rank 2 and rank 5, [1, 1, C] bias', () => expectSameAsCpu([f([7, 4], 1), f([4], 2), f([2, 3, 2, 2, 4], 3), f([1, 1, 4], 4)],
    (a, b, c, d) => [tf.add(a, b), tf.add(c, d), tf.mul(c, b)]));
  it('a permuted view (falls back)', () => expectSameAsCpu([f([3, 4, 5], 1), f([3], 2)], (x, b) => tf.add(tf.transpose(x, [1, 2, 0]), b)));
  it('shapes that are not per channel fall back', () => expectSameAsCpu([f([4, 5], 1), f([4, 1], 2), f([5], 3), f([1, 4, 5], 4)],
    (x, col, row, big) => [tf.add(x, col), tf.add(row, big), tf.add(x, tf.scalar(2))]));
  it('gradients through a bias add', () => expectSameAsCpu([f([2, 3, 3, 4], 1), f([4], 2), f([2, 3, 3, 4], 3)],
    (x, b, r) => tf.grads((x: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.add(x, b), r)))([x, b])));
});

describe('batchNorm with per-channel statistics matches cpu', () => {
  const bn = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o?: tf.Tensor, s?: tf.Tensor) => tf.batchNorm(x, m, v, o, s, 1e-3);
  for (const c of [1, 5, 32]) {
    const stats = [f([c], 2), f([c], 3, 0.1, 2), f([c], 4), f([c], 5)];
    it(`NHWC, ${c} channels, with and without offset and scale`, () =>
      expectSameAsCpu([f([2, 4, 3, c], 1), ...stats], (x, m, v, o, s) => [bn(x, m, v, o, s), bn(x, m, v), bn(x, m, v, o), bn(x, m, v, undefined, s)]));
    it(`cropped conv2dTranspose result, ${c} channels`, () =>
      expectSameAsCpu([f([2, 4, 4, 6], 6), f([3, 3, c, 6], 7), ...stats], (x, w, m, v, o, s) => bn(upsampled(x, w), m, v, o, s)));
  }
  it('rank 2 and rank 3 inputs', () => expectSameAsCpu([f([6, 4], 1), f([3, 2, 4], 2), f([4], 3), f([4], 4, 0.1, 2)],
    (a, b, m, v) => [bn(a, m, v), bn(b, m, v)]));
  it('statistics of x\'s shape (not per channel) fall back', () => expectSameAsCpu([f([2, 3, 4], 1), f([2, 3, 4], 2), f([2, 3, 4], 3, 0.1, 2)],
    (x, m, v) => bn(x, m, v)));
});
