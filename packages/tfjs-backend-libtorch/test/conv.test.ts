import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { expectSameAsCpu, rand } from './harness.js';

const f = (shape: number[], seed: number) => ({ values: rand(shape, seed), shape });

describe('conv2d matches cpu', () => {
  const cases: [string, number[], number[], [number, number], 'same' | 'valid', [number, number]][] = [
    ['3x3 s1 same', [2, 9, 9, 3], [3, 3, 3, 8], [1, 1], 'same', [1, 1]],
    ['3x3 s2 same (asymmetric pad)', [2, 28, 28, 1], [3, 3, 1, 16], [2, 2], 'same', [1, 1]],
    ['5x3 s(2,1) valid', [1, 11, 10, 4], [5, 3, 4, 2], [2, 1], 'valid', [1, 1]],
    ['3x3 dilation 2 same', [1, 12, 12, 2], [3, 3, 2, 3], [1, 1], 'same', [2, 2]],
  ];
  for (const [name, xs, ws, s, pad, d] of cases) {
    it(name, () => expectSameAsCpu([f(xs, 1), f(ws, 2)], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad, 'NHWC', d)));
  }
});
