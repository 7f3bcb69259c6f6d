import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { expectSameAsCpu, floats as f, ints, bools, idx } from './harness.js';


describe('tensor creation matches cpu', () => {
  it('fill in each dtype, empty shape included', () => expectSameAsCpu([],
    () => [tf.fill([2, 3], 1.5), tf.fill([4], 7, 'int32'), tf.fill([2, 2], 1, 'bool'), tf.fill([0, 3], 2), tf.fill([], -3)]));
  it('zerosLike / onesLike keep the dtype', () => expectSameAsCpu([f([2, 3], 1), ints([4], 2), bools([3], 3)],
    (x, i, b) => [tf.zerosLike(x), tf.onesLike(x), tf.zerosLike(i), tf.onesLike(i), tf.zerosLike(b), tf.onesLike(b)]));
  it('zeros / ones', () => expectSameAsCpu([], () => [tf.zeros([3, 2]), tf.ones([2, 2], 'int32'), tf.zeros([0])]));
  it('range: increasing, decreasing, fractional step, int32, empty', () => expectSameAsCpu([],
    () => [tf.range(0, 10), tf.range(5, -3, -1.5), tf.range(0, 1, 0.1), tf.range(2, 9, 2, 'int32'), tf.range(3, 3), tf.range(5, 1)]));
  it('linspace (falls back)', () => expectSameAsCpu([], () => tf.linspace(0, 1, 7)));
  it('oneHot with out-of-range indices and custom values', () => expectSameAsCpu([idx([0, 2, -1, 5, 1, 3], [2, 3])],
    (i) => [tf.oneHot(i, 4), tf.oneHot(i, 3, 5, -2), tf.oneHot(tf.reshape(i, [6]), 6, 1, 0, 'float32')]));
});

describe('topk and unsortedSegmentSum match cpu', () => {
  it('topk along the last axis', () => expectSameAsCpu([f([3, 10], 1)], (x) => { const r = tf.topk(x, 4); return [r.values, r.indices]; }));
  it('topk with ties keeps index order', () => expectSameAsCpu([{ values: [1, 3, 2, 3, 1, 3], shape: [6] }],
    (x) => { const r = tf.topk(x, 4); return [r.values, r.indices]; }));
  it('topk of int32, k = n and k = 0', () => expectSameAsCpu([ints([2, 5], 3)], (x) => {
    const a = tf.topk(x, 5); const b = tf.topk(x, 0); return [a.values, a.indices, b.values, b.indices];
  }));
  it('unsortedSegmentSum with 1-D ids', () => expectSameAsCpu([f([6, 3], 1), idx([0, 2, 2, 1, 0, 2])],
    (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 4)));
  it('unsortedSegmentSum of int32, out-of-range ids dropped', () => expectSameAsCpu([ints([6, 2], 2), idx([1, 0, -1, 2, 7, 0])],
    (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 3)));
});
