import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { expectSameAsCpu, floats as f, ints, bools } from './harness.js';


type Reducer = (x: tf.Tensor, axis?: number | number[], keepDims?: boolean) => tf.Tensor;
const reducers: [string, Reducer][] = [['sum', tf.sum], ['mean', tf.mean], ['max', tf.max], ['min', tf.min], ['prod', tf.prod]];
const axesCases: [string, number | number[] | undefined][] = [
  ['all axes', undefined], ['axis 0', 0], ['axis -1', -1], ['axes [0, 2]', [0, 2]], ['axes [-1, 1]', [-1, 1]], ['no axes []', []],
];

describe('reductions match cpu', () => {
  for (const [name, op] of reducers) {
    for (const [label, axis] of axesCases) {
      it(`${name} over ${label}`, () => expectSameAsCpu([f([3, 4, 5], 2, 0.5, 1.5)], (x) => [op(x, axis), op(x, axis, true)]));
    }
    it(`${name} of int32 keeps int32`, () => expectSameAsCpu([ints([4, 6], 3, -3, 3)], (x) => [op(x), op(x, 1, true)]));
  }
  it('sum and prod of bool give int32', () => expectSameAsCpu([bools([4, 6], 3)], (x) => [tf.sum(x), tf.sum(x, 0), tf.prod(x, 1)]));
  it('max / min of bool', () => expectSameAsCpu([bools([4, 6], 3)], (x) => [tf.max(x, 1), tf.min(x, 0)]));
  it('mean of int32 is float32', () => expectSameAsCpu([ints([5, 3], 4)], (x) => [tf.mean(x), tf.mean(x, 0)]));
  it('max / min propagate NaN', () =>
    expectSameAsCpu([{ values: [1, NaN, 3, 4, 5, 6], shape: [2, 3] }], (x) => [tf.max(x, 1), tf.min(x, 1)]));
  it('empty inputs', () => expectSameAsCpu([f([0, 3], 1)], (x) => [tf.sum(x, 0), tf.mean(x, 1), tf.prod(x, 0), tf.max(x, 1), tf.sum(x)]));
  it('non-contiguous input', () => expectSameAsCpu([f([4, 5, 6], 6)], (x) => tf.sum(tf.transpose(x, [2, 0, 1]), [0, 2])));
  for (const [name, op] of [['all', tf.all], ['any', tf.any]] as [string, Reducer][]) {
    it(`${name} over axes`, () => expectSameAsCpu([bools([3, 4, 5], 8, 0.2)],
      (x) => [op(x), op(x, 1), op(x, [0, 2], true), op(x, -1)]));
  }
});

describe('arg reductions match cpu', () => {
  for (const [name, op] of [['argMax', tf.argMax], ['argMin', tf.argMin]] as [string, (x: tf.Tensor, axis?: number) => tf.Tensor][]) {
    it(`${name} over each axis`, () => expectSameAsCpu([f([3, 4, 5], 4)], (x) => [op(x), op(x, 1), op(x, 2), op(x, -1)]));
    it(`${name} ties return the first index`, () => expectSameAsCpu([{ values: [1, 3, 3, 0, 0, 1], shape: [6] }], (x) => op(x)));
    it(`${name} ignores NaNs as tfjs does`, () =>
      expectSameAsCpu([{ values: [NaN, 2, 1, 5, NaN, 4, 3, 2, 7], shape: [3, 3] }], (x) => [op(x, 0), op(x, 1)]));
    it(`${name} of int32 and bool`, () => expectSameAsCpu([ints([4, 5], 5), bools([4, 5], 6)], (i, b) => [op(i, 1), op(b, 0)]));
  }
});

// (tfjs' cpu cumsum mishandles a negative axis, so only non-negative ones are compared)
describe('cumulative sums and products match cpu', () => {
  for (const [name, op] of [['cumsum', tf.cumsum], ['cumprod', tf.cumprod]] as [string, typeof tf.cumsum][]) {
    for (const exclusive of [false, true]) {
      for (const reverse of [false, true]) {
        it(`${name} exclusive=${exclusive} reverse=${reverse}`, () =>
          expectSameAsCpu([f([3, 4, 5], 7, 0.5, 1.5)], (x) => [op(x, 0, exclusive, reverse), op(x, 2, exclusive, reverse)]));
      }
    }
    it(`${name} of int32 and bool`, () => expectSameAsCpu([ints([6], 1, -3, 3), bools([6], 2)], (i, b) => [op(i), op(b)]));
  }
});
