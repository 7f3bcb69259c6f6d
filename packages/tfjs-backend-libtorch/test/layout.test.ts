import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { expectSameAsCpu, floats as f, ints, idx } from './harness.js';


describe('space/batch/depth rearrangements match cpu', () => {
  it('spaceToBatchND with and without padding', () => expectSameAsCpu([f([2, 4, 6, 3], 1), f([1, 3, 5, 2], 2)],
    (x, y) => [tf.spaceToBatchND(x, [2, 3], [[0, 0], [0, 0]]), tf.spaceToBatchND(y, [2, 2], [[1, 0], [2, 1]])]));
  it('batchToSpaceND with and without crops', () => expectSameAsCpu([f([8, 2, 3, 2], 3), ints([4, 3, 3, 1], 4)],
    (x, i) => [tf.batchToSpaceND(x, [2, 2], [[0, 0], [0, 0]]), tf.batchToSpaceND(x, [2, 4], [[1, 0], [2, 3]]), tf.batchToSpaceND(i, [2, 2], [[0, 1], [1, 0]])]));
  it('spaceToBatchND then batchToSpaceND on 3-D input', () => expectSameAsCpu([f([2, 6, 4], 5)],
    (x) => tf.batchToSpaceND(tf.spaceToBatchND(x, [3], [[0, 0]]), [3], [[0, 0]])));
  it('depthToSpace NHWC', () => expectSameAsCpu([f([2, 3, 2, 8], 6), f([1, 2, 2, 9], 7)],
    (x, y) => [tf.depthToSpace(x as tf.Tensor4D, 2), tf.depthToSpace(y as tf.Tensor4D, 3)]));
  it('image.flipLeftRight', () => expectSameAsCpu([f([2, 3, 5, 3], 8)], (x) => tf.image.flipLeftRight(x as tf.Tensor4D)));
});

describe('diag, scatterND, linspace, broadcastArgs match cpu', () => {
  it('diag of 1-D, 2-D and int32 inputs', () => expectSameAsCpu([f([4], 1), f([2, 3], 2), ints([3], 3)], (a, b, c) => [tf.diag(a), tf.diag(b), tf.diag(c)]));
  it('scatterND with 2-D indices, summing duplicates', () => expectSameAsCpu([idx([0, 1, 2, 0, 0, 1], [3, 2]), f([3], 4)],
    (i, u) => tf.scatterND(i, u, [3, 2])));
  it('scatterND of slices with 1-D indices', () => expectSameAsCpu([idx([3, 1, 3]), f([3, 4], 5)], (i, u) => tf.scatterND(i, u, [5, 4])));
  it('scatterND of int32 updates', () => expectSameAsCpu([idx([1, 0], [2, 1]), ints([2, 3], 6)], (i, u) => tf.scatterND(i, u, [3, 3])));
  it('linspace', () => expectSameAsCpu([], () => [tf.linspace(0, 1, 7), tf.linspace(-3, 5, 1), tf.linspace(2, -2, 4)]));
  it('broadcastArgs', () => expectSameAsCpu([idx([3, 1, 5]), idx([4, 1])], (a, b) => tf.broadcastArgs(a, b)));
});
