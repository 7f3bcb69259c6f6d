// Conformance of batch norm, matmul, pooling and activation kernels (and their gradients) vs tfjs cpu.
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { expectSameAsCpu, rand } from './harness.js';

const f = (shape: number[], seed: number, lo = -1, hi = 1) => ({ values: rand(shape, seed, lo, hi), shape });

/** Gradients of sum(op(...) * r) for a random r (the last input). */
function gradsOf(op: (...xs: tf.Tensor[]) => tf.Tensor) {
  return (...xs: tf.Tensor[]) => {
    const r = xs[xs.length - 1];
    return tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(op(...ins), r)))(xs.slice(0, -1));
  };
}

describe('batchNorm matches cpu', () => {
  const x = f([4, 5, 5, 3], 1), m = f([3], 2), v = f([3], 3, 0.1, 2), o = f([3], 4), s = f([3], 5), r = f([4, 5, 5, 3], 6);
  const bn = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) => tf.batchNorm(x, m, v, o, s, 1e-3);
  it('forward with offset and scale', () => expectSameAsCpu([x, m, v, o, s], bn));
  it('forward without offset and scale', () => expectSameAsCpu([x, m, v], (x, m, v) => tf.batchNorm(x, m, v)));
  it('gradients for x, mean, variance, offset, scale', () => expectSameAsCpu([x, m, v, o, s, r], gradsOf(bn)));
  it('training-mode: moments feeding batchNorm, gradients', () => expectSameAsCpu([x, o, s, r], gradsOf((x, o, s) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, o, s, 1e-3);
  }), 1e-3));
});

describe('fast gradients of sum, mean and square match cpu', () => {
  const x = f([3, 4, 5], 1), r = f([3, 4, 5], 2);
  it('sum over axes', () => expectSameAsCpu([x, f([4], 3)], gradsOf((x) => tf.sum(x, [0, 2]))));
  it('sum with keepDims', () => expectSameAsCpu([x, f([1, 4, 1], 3)], gradsOf((x) => tf.sum(x, [0, 2], true))));
  it('mean over the last axis', () => expectSameAsCpu([x, f([3, 4], 3)], gradsOf((x) => tf.mean(x, -1))));
  it('mean of everything', () => expectSameAsCpu([x, f([], 3)], gradsOf((x) => tf.mean(x))));
  it('square', () => expectSameAsCpu([x, r], gradsOf((x) => tf.square(x))));
});

describe('matMul matches cpu', () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    it(`transposeA ${ta} transposeB ${tb}`, () => expectSameAsCpu([f(ta ? [7, 5] : [5, 7], 1), f(tb ? [3, 7] : [7, 3], 2)],
      (a, b) => tf.matMul(a, b, ta, tb)));
  }
  it('batched with broadcasting', () => expectSameAsCpu([f([4, 5, 6], 1), f([1, 6, 2], 2)], (a, b) => tf.matMul(a, b)));
  // native/matmul.cc sends batch-1 and shared-right-operand products to a 2-D product
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    it(`shared right operand, transposeA ${ta} transposeB ${tb}`, () => expectSameAsCpu(
      [f(ta ? [3, 7, 5] : [3, 5, 7], 1), f(tb ? [1, 4, 7] : [1, 7, 4], 2)], (a, b) => tf.matMul(a, b, ta, tb)));
    it(`batch 1, transposeA ${ta} transposeB ${tb}`, () => expectSameAsCpu(
      [f(ta ? [1, 7, 5] : [1, 5, 7], 1), f(tb ? [1, 4, 7] : [1, 7, 4], 2)], (a, b) => tf.matMul(a, b, ta, tb)));
  }
  it('gradients', () => expectSameAsCpu([f([5, 7], 1), f([7, 3], 2), f([5, 3], 3)], gradsOf((a, b) => tf.matMul(a, b))));
  it('inner size 1 (outer products), batched and broadcast, with gradients', () => expectSameAsCpu(
    [f([3, 5, 1], 1), f([3, 1, 4], 2), f([1, 1, 4], 3), f([3, 5, 4], 4)],
    (a, b, c, r) => [tf.matMul(a, b), tf.matMul(a, c), tf.matMul(tf.reshape(a, [3, 1, 5]), b, true, false), ...gradsOf((a, b) => tf.matMul(a, b))(a, b, r)]));
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const) {
    it(`fused with bias, ${activation}`, () => expectSameAsCpu([f([5, 7], 1), f([7, 3], 2), f([3], 3), f([3], 4)],
      (a, b, bias, alpha) => tf.fused.matMul({ a, b, bias, activation, preluActivationWeights: activation === 'prelu' ? alpha : undefined })));
  }
  it('fused gradients', () => expectSameAsCpu([f([5, 7], 1), f([7, 3], 2), f([3], 3), f([5, 3], 4)],
    gradsOf((a, b, bias) => tf.fused.matMul({ a, b, bias, activation: 'relu' }))));
});

describe('pooling matches cpu', () => {
  type P = 'same' | 'valid';
  const cases: [string, number[], [number, number], [number, number], P][] = [
    ['2x2 s2 valid', [2, 8, 8, 3], [2, 2], [2, 2], 'valid'],
    ['3x3 s2 same (asymmetric)', [2, 8, 7, 3], [3, 3], [2, 2], 'same'],
    ['3x2 s1 same', [1, 5, 6, 2], [3, 2], [1, 1], 'same'],
  ];
  for (const [name, xs, k, s, pad] of cases) {
    const max = (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, k, s, pad);
    const avg = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, k, s, pad);
    const out = tf.tidy(() => max(tf.zeros(xs)).shape as number[]);
    it(`maxPool ${name}`, () => expectSameAsCpu([f(xs, 1)], max));
    it(`avgPool ${name}`, () => expectSameAsCpu([f(xs, 1)], avg));
    it(`maxPool ${name} gradient`, () => expectSameAsCpu([f(xs, 1), f(out, 2)], gradsOf(max)));
    it(`avgPool ${name} gradient`, () => expectSameAsCpu([f(xs, 1), f(out, 2)], gradsOf(avg)));
  }
  it('maxPool3d and avgPool3d with gradients', () => expectSameAsCpu([f([1, 6, 5, 6, 2], 1), f([1, 3, 3, 3, 2], 2)], (x, r) => [
    ...gradsOf((x) => tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'same'))(x, r),
    ...gradsOf((x) => tf.avgPool3d(x as tf.Tensor5D, 2, 2, 'same'))(x, r),
  ]));
});

describe('activations match cpu', () => {
  const x = f([3, 4, 5], 1, -3, 3), r = f([3, 4, 5], 2);
  const ops: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['leakyRelu', (x) => tf.leakyRelu(x, 0.2)], ['elu', tf.elu], ['relu6', (x) => tf.relu6(tf.mul(x, 3))],
    ['softmax', (x) => tf.softmax(x)]
  ];
  for (const [name, op] of ops) {
    it(name, () => expectSameAsCpu([x], op));
    it(`${name} gradient`, () => expectSameAsCpu([x, r], gradsOf(op)));
  }
  it('softmax gradient over a long last axis (native fused backward)', () =>
    expectSameAsCpu([f([2, 3, 300], 4, -6, 6), f([2, 3, 300], 5)], gradsOf((x) => tf.softmax(x))));
  it('prelu and its gradient', () => expectSameAsCpu([x, f([5], 3), r], (x, a, r) => [tf.prelu(x, a), ...gradsOf((x, a) => tf.prelu(x, a))(x, a, r)]));
});
