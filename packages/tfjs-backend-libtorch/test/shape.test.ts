import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { expectSameAsCpu, floats as f, ints, bools, idx } from './harness.js';


describe('reshape family matches cpu', () => {
  it('reshape with -1, then a native op on the reshaped tensor', () =>
    expectSameAsCpu([f([2, 3, 4], 1)], (x) => [tf.reshape(x, [6, -1]), tf.add(tf.reshape(x, [4, 6]), 1), tf.sum(tf.reshape(x, [-1]))]));
  it('expandDims (negative axis), squeeze, clone', () =>
    expectSameAsCpu([f([3, 1, 4], 2)], (x) => [tf.expandDims(x, -1), tf.expandDims(x, 0), tf.squeeze(x), tf.clone(x)]));
  it('reshape of a transposed (non-contiguous) tensor', () =>
    expectSameAsCpu([f([3, 4], 3)], (x) => tf.reshape(tf.transpose(x), [2, 6])));
  it('the original and reshaped tensors stay independent', () =>
    expectSameAsCpu([f([2, 6], 4)], (x) => { const y = tf.reshape(x, [3, 4]); return [tf.mul(y, 2), tf.neg(x), y]; }));
});

describe('transpose, slice, stridedSlice match cpu', () => {
  it('transpose with several permutations and dtypes', () => expectSameAsCpu([f([2, 3, 4], 1), ints([2, 3], 2), bools([3, 2, 2], 3)],
    (x, i, b) => [tf.transpose(x), tf.transpose(x, [1, 0, 2]), tf.transpose(x, [2, 0, 1]), tf.transpose(i), tf.transpose(b, [1, 2, 0])]));
  it('slice with -1 sizes and scalar begin', () => expectSameAsCpu([f([4, 5, 6], 2)],
    (x) => [tf.slice(x, [1, 0, 2], [2, -1, 3]), tf.slice(x, 1), tf.slice(x, [0, 4], [-1, 1]), tf.slice(x, [1, 1, 1], [0, 2, 2])]));
  it('slice of int32 and bool', () => expectSameAsCpu([ints([5, 4], 1), bools([5, 4], 2)], (i, b) => [tf.slice(i, [1, 1], [3, 2]), tf.slice(b, [2, 0], [2, 4])]));
  const ss: [string, number[], number[], number[], number, number, number, number, number][] = [
    // name, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask
    ['simple', [0, 1, 1], [3, 4, 5], [1, 1, 1], 0, 0, 0, 0, 0],
    ['strides 2', [0, 0, 0], [3, 4, 6], [2, 2, 3], 0, 0, 0, 0, 0],
    ['negative strides', [2, 3, 5], [0, 0, 0], [-1, -2, -2], 0, 0, 0, 0, 0],
    ['negative strides, full reverse via masks', [0, 0, 0], [0, 0, 0], [-1, -1, -1], 7, 7, 0, 0, 0],
    ['negative indices', [-2, -3, -4], [-1, -1, -1], [1, 1, 1], 0, 0, 0, 0, 0],
    ['begin/end masks', [1, 1, 1], [2, 2, 2], [1, 1, 1], 5, 2, 0, 0, 0],
    ['shrink axis', [1, 0, 2], [2, 4, 3], [1, 1, 1], 0, 0, 0, 0, 5],
    ['new axis', [0, 1, 0], [1, 3, 6], [1, 1, 1], 0, 0, 0, 1, 0],
    ['ellipsis', [0, 1], [0, 3], [1, 1], 0, 0, 1, 0, 0],
    ['empty result', [1, 0, 0], [1, 4, 6], [1, 1, 1], 0, 0, 0, 0, 0],
    ['out of range end', [0, 0, 0], [10, 10, 10], [1, 3, 4], 0, 0, 0, 0, 0],
  ];
  for (const [name, begin, end, strides, bm, em, elm, nam, sam] of ss) {
    it(`stridedSlice: ${name}`, () => expectSameAsCpu([f([3, 4, 6], 5)], (x) => tf.stridedSlice(x, begin, end, strides, bm, em, elm, nam, sam)));
  }
  it('stridedSlice of int32', () => expectSameAsCpu([ints([5, 4], 3)], (x) => tf.stridedSlice(x, [4, 0], [0, 4], [-2, 2])));
});

describe('concat, stack, unstack, split match cpu', () => {
  it('concat along each axis, negative included', () => expectSameAsCpu([f([2, 3, 4], 1), f([2, 3, 4], 2)],
    (a, b) => [tf.concat([a, b], 0), tf.concat([a, b], 1), tf.concat([a, b], -1)]));
  it('concat of different sizes along the axis', () => expectSameAsCpu([f([2, 1], 1), f([2, 4], 2), f([2, 2], 3)], (a, b, c) => tf.concat([a, b, c], 1)));
  it('concat with empty tensors', () => expectSameAsCpu([f([0, 3], 1), f([2, 3], 2), f([0, 3], 3)],
    (a, b, c) => [tf.concat([a, b, c], 0), tf.concat([a, c], 0)]));
  it('concat of int32 and of bool', () => expectSameAsCpu([ints([3], 1), ints([2], 2), bools([2], 3), bools([4], 4)],
    (a, b, c, d) => [tf.concat([a, b]), tf.concat([c, d])]));
  it('stack along each axis', () => expectSameAsCpu([f([3, 4], 1), f([3, 4], 2), f([3, 4], 3)],
    (a, b, c) => [tf.stack([a, b, c]), tf.stack([a, b, c], 1), tf.stack([a, b], -1), tf.stack([a])]));
  it('stack of int32 scalars', () => expectSameAsCpu([idx([1], []), idx([2], [])], (a, b) => tf.stack([a, b])));
  it('unstack along each axis', () => expectSameAsCpu([f([2, 3, 4], 4)], (x) => [...tf.unstack(x), ...tf.unstack(x, 2), ...tf.unstack(x, -2)]));
  it('split into equal parts and by sizes', () => expectSameAsCpu([f([4, 6], 5)],
    (x) => [...tf.split(x, 2), ...tf.split(x, 3, 1), ...tf.split(x, [1, -1, 2], -1)]));
});

describe('pad, mirrorPad, tile, reverse match cpu', () => {
  it('pad with a constant', () => expectSameAsCpu([f([2, 3, 4], 1)], (x) => [tf.pad(x, [[1, 0], [0, 2], [3, 1]], 0.5), tf.pad(x, [[0, 0], [0, 0], [0, 0]])]));
  it('pad int32 and bool', () => expectSameAsCpu([ints([3, 2], 1), bools([3], 2)], (i, b) => [tf.pad(i, [[1, 1], [2, 0]], 7), tf.pad(b, [[2, 1]], 1)]));
  for (const mode of ['reflect', 'symmetric'] as const) {
    it(`mirrorPad ${mode}`, () => expectSameAsCpu([f([3, 4, 5], 2), ints([4], 3)],
      (x, i) => [tf.mirrorPad(x, [[1, 2], [0, 3], [2, 0]], mode), tf.mirrorPad(i, [[3, 2]], mode)]));
  }
  it('tile', () => expectSameAsCpu([f([2, 3], 3), bools([2], 4)], (x, b) => [tf.tile(x, [2, 3]), tf.tile(x, [1, 1]), tf.tile(b, [3])]));
  it('broadcastTo', () => expectSameAsCpu([f([3, 1], 3)], (x) => [tf.broadcastTo(x, [2, 3, 4]), tf.broadcastTo(x, [3, 1])]));
  it('reverse over axes, negative included', () => expectSameAsCpu([f([2, 3, 4], 4)],
    (x) => [tf.reverse(x), tf.reverse(x, 1), tf.reverse(x, [0, -1])]));
});

describe('gathers match cpu', () => {
  it('gather along each axis', () => expectSameAsCpu([f([4, 5, 3], 1), idx([3, 0, 0, 2, 1, 3])],
    (x, i) => [tf.gather(x, i), tf.gather(x, tf.slice(i, 0, 3), 1), tf.gather(x, tf.slice(i, 1, 2), -1)]));
  it('gather with 2-D indices', () => expectSameAsCpu([f([4, 5], 2), idx([3, 0, 1, 2, 4, 0], [2, 3])], (x, i) => [tf.gather(x, i, 1), tf.gather(x, tf.mod(i, tf.scalar(4, 'int32')), 0)]));
  it('gather with batchDims', () => expectSameAsCpu([f([2, 3, 4, 2], 3), idx([0, 3, 1, 2, 2, 0], [2, 3])],
    (x, i) => [tf.gather(x, i, 2, 1), tf.gather(tf.reshape(x, [2, 12, 2]), i, 1, 1)]));
  it('gather of int32 and bool', () => expectSameAsCpu([ints([6], 1), bools([6], 2), idx([5, 0, 2])], (a, b, i) => [tf.gather(a, i), tf.gather(b, i)]));
  it('gather with empty indices', () => expectSameAsCpu([f([4, 3], 1), idx([], [0])], (x, i) => tf.gather(x, i)));
  it('gatherND', () => expectSameAsCpu([f([3, 4, 2], 4), idx([0, 1, 2, 3, 1, 0], [3, 2]), idx([2, 0], [2, 1])],
    (x, i, j) => [tf.gatherND(x, i), tf.gatherND(x, j)]));
});

describe('empty tensors through shape kernels match cpu', () => {
  it('transpose, slice, tile, pad, reverse, stack, split, reshape of empty tensors', () => expectSameAsCpu([f([0, 3], 1), f([2, 0], 2)],
    (a, b) => [tf.transpose(a), tf.slice(a, [0, 1], [0, 2]), tf.tile(b, [2, 3]), tf.pad(a, [[1, 1], [0, 1]], 2), tf.reverse(b, 1),
      tf.stack([a, a], 1), ...tf.split(b, 2), tf.reshape(a, [3, 0])]));
  it('gather from and with empty tensors, oneHot of no indices', () => expectSameAsCpu([f([3, 0], 1), idx([0, 2]), idx([], [0])],
    (x, i, none) => [tf.gather(x, i), tf.oneHot(none, 3)]));
});
