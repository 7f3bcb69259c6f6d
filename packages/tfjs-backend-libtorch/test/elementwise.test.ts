import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { expectSameAsCpu, rand } from './harness.js';

const f = (shape: number[], seed: number, lo = -2, hi = 2) => ({ values: rand(shape, seed, lo, hi), shape });

describe('elementwise kernels match cpu', () => {
  const unary: [string, (x: tf.Tensor) => tf.Tensor, number, number][] = [
    ['relu', tf.relu, -2, 2], ['sigmoid', tf.sigmoid, -4, 4], ['tanh', tf.tanh, -3, 3], ['exp', tf.exp, -3, 3],
    ['log', tf.log, 0.01, 5], ['sqrt', tf.sqrt, 0, 5], ['square', tf.square, -3, 3], ['abs', tf.abs, -2, 2],
    ['sign', tf.sign, -2, 2], ['neg', tf.neg, -2, 2], ['reciprocal', tf.reciprocal, 0.5, 3], ['rsqrt', tf.rsqrt, 0.1, 3],
  ];
  for (const [name, op, lo, hi] of unary) {
    it(name, () => expectSameAsCpu([f([3, 4, 5], 7, lo, hi)], (x) => op(x)));
  }
  const binary: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum], ['minimum', tf.minimum],
    ['squaredDifference', tf.squaredDifference], ['equal', tf.equal], ['notEqual', tf.notEqual], ['less', tf.less],
    ['lessEqual', tf.lessEqual], ['greater', tf.greater], ['greaterEqual', tf.greaterEqual],
  ];
  for (const [name, op] of binary) {
    it(`${name} with broadcasting`, () => expectSameAsCpu([f([2, 3, 4], 1), f([3, 1], 2, 0.5, 2)], (a, b) => op(a, b)));
  }
  it('pow on positive bases', () => expectSameAsCpu([f([4, 5], 3, 0.1, 2), f([5], 4)], (a, b) => tf.pow(a, b)));
  it('int32 add stays int32', () => expectSameAsCpu(
    [{ values: [1, 2, 3], shape: [3], dtype: 'int32' }, { values: [4, 5, 6], shape: [3], dtype: 'int32' }], (a, b) => tf.add(a, b)));
});
