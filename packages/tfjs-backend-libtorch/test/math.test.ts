import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'node:test';
import { InputSpec, expectSameAsCpu, floats as f, ints, bools } from './harness.js';

// NaN, infinities, exact halves (rounding) and zeros
const special: InputSpec = { values: [NaN, Infinity, -Infinity, 0, -0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.7], shape: [12] };

describe('unary math matches cpu', () => {
  const cases: [string, (x: tf.Tensor) => tf.Tensor, number, number][] = [
    ['floor', tf.floor, -5, 5], ['ceil', tf.ceil, -5, 5], ['round', tf.round, -5, 5], ['sin', tf.sin, -6, 6],
    ['cos', tf.cos, -6, 6], ['tan', tf.tan, -1.5, 1.5], ['asin', tf.asin, -1, 1], ['acos', tf.acos, -1, 1],
    ['atan', tf.atan, -5, 5], ['sinh', tf.sinh, -3, 3], ['cosh', tf.cosh, -3, 3], ['asinh', tf.asinh, -5, 5],
    ['acosh', tf.acosh, 1, 5], ['atanh', tf.atanh, -0.99, 0.99], ['log1p', tf.log1p, -0.9, 5], ['expm1', tf.expm1, -3, 3],
    ['erf', tf.erf, -3, 3], ['softplus', tf.softplus, -20, 20], ['selu', tf.selu, -3, 3], ['isNaN', tf.isNaN, -1, 1],
    ['isInf', tf.isInf, -1, 1], ['isFinite', tf.isFinite, -1, 1],
    ['step(0.3)', (x) => tf.step(x, 0.3), -2, 2], ['clipByValue', (x) => tf.clipByValue(x, -0.5, 0.7), -2, 2],
  ];
  for (const [name, op, lo, hi] of cases) {
    it(name, () => expectSameAsCpu([f([4, 5, 6], 11, lo, hi)], op));
  }
  for (const [name, op] of cases.filter(([n]) => ['floor', 'ceil', 'round', 'isNaN', 'isInf', 'isFinite', 'step(0.3)', 'clipByValue'].includes(n))) {
    it(`${name} on NaN, infinities and halves`, () => expectSameAsCpu([special], op));
  }
  const run = (name: string, x: tf.Tensor, attrs = {}) => tf.engine().runKernel(name, { x }, attrs) as tf.Tensor;
  it('int32 inputs keep int32 (kernels called directly)', () => expectSameAsCpu([ints([7, 3], 2)], (x) =>
    [run('Floor', x), run('Round', x), run('Sin', x), run('Abs', x), run('Sigmoid', x), run('Sqrt', x), run('Exp', x), run('Relu', x), run('Step', x, { alpha: 0.5 }),
      run('ClipByValue', x, { clipValueMin: -3, clipValueMax: 4.5 })]));
  it('logicalNot', () => expectSameAsCpu([bools([5, 4], 3)], (x) => tf.logicalNot(x)));
  it('empty input', () => expectSameAsCpu([f([0, 3], 1)], (x) => [tf.sin(x), tf.floor(x), tf.isNaN(x)]));
  it('non-contiguous input (transposed)', () => expectSameAsCpu([f([3, 4, 5], 5)], (x) => tf.cos(tf.transpose(x, [2, 0, 1]))));
});

describe('binary ops match cpu', () => {
  const pairs: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['floorDiv', tf.floorDiv], ['mod', tf.mod], ['atan2', tf.atan2],
  ];
  for (const [name, op] of pairs) {
    it(`${name} with broadcasting`, () => expectSameAsCpu([f([2, 3, 4], 1, -5, 5), f([3, 1], 2, 0.5, 3)], op));
    it(`${name} with negative divisors`, () => expectSameAsCpu([f([6, 5], 3, -5, 5), f([5], 4, -3, -0.5)], op));
    it(`${name} on int32, zero divisor included`, () =>
      expectSameAsCpu([ints([4, 5], 5), { values: [3, -2, 0, 7, -4], shape: [5], dtype: 'int32' }], op));
  }
  it('logicalAnd / logicalOr with broadcasting', () =>
    expectSameAsCpu([bools([3, 4], 1), bools([4], 2)], (a, b) => [tf.logicalAnd(a, b), tf.logicalOr(a, b), tf.logicalXor(a, b)]));
  it('bitwiseAnd', () => expectSameAsCpu([ints([10], 1, 0, 1000), ints([10], 2, 0, 1000)], (a, b) => tf.bitwiseAnd(a, b)));
});

describe('cast, select, addN match cpu', () => {
  it('cast float32 -> int32 truncates toward zero, NaN/inf -> 0', () =>
    expectSameAsCpu([{ values: [1.7, -1.7, 2.5, -0.2, NaN, Infinity, -Infinity, 1e6], shape: [8] }], (x) => tf.cast(x, 'int32')));
  it('cast float32 -> bool (NaN is true)', () =>
    expectSameAsCpu([{ values: [0, -0, 0.1, NaN, -3], shape: [5] }], (x) => tf.cast(x, 'bool')));
  it('cast int32 -> float32 / bool, bool -> int32 / float32', () => expectSameAsCpu([ints([3, 4], 7), bools([4], 1)],
    (i, b) => [tf.cast(i, 'float32'), tf.cast(i, 'bool'), tf.cast(b, 'int32'), tf.cast(b, 'float32')]));
  it('cast to the same dtype', () => expectSameAsCpu([f([3], 1)], (x) => tf.cast(x, 'float32')));
  it('where with same shapes', () => expectSameAsCpu([bools([3, 4], 2), f([3, 4], 3), f([3, 4], 4)], (c, a, b) => tf.where(c, a, b)));
  it('where with broadcasting', () => expectSameAsCpu([bools([4], 2), f([3, 4], 3), f([1], 4)], (c, a, b) => tf.where(c, a, b)));
  it('where on int32', () => expectSameAsCpu([bools([6], 9), ints([6], 3), ints([6], 4)], (c, a, b) => tf.where(c, a, b)));
  it('addN of float32 and of int32', () => expectSameAsCpu([f([2, 3], 1), f([2, 3], 2), f([2, 3], 3), ints([4], 1), ints([4], 2)],
    (a, b, c, i, j) => [tf.addN([a, b, c]), tf.addN([i, j]), tf.addN([a])]));
});
