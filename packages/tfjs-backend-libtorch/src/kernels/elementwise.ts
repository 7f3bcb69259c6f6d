// Unary math, binary arithmetic with broadcasting and comparisons (native/elementwise.cc).
import * as K from '@tensorflow/tfjs-core';
import { upcastType } from '@tensorflow/tfjs-core';
import { DTYPE_CODE, NativeDtype } from '../native.js';
import { kernel } from './define.js';

/** Opcodes of native `unary`. */
const UNARY: Record<string, number> = {
  [K.Relu]: 0, [K.Sigmoid]: 1, [K.Tanh]: 2, [K.Exp]: 3, [K.Log]: 4, [K.Sqrt]: 5,
  [K.Square]: 6, [K.Abs]: 7, [K.Sign]: 8, [K.Neg]: 9, [K.Reciprocal]: 10, [K.Rsqrt]: 11,
};

/** Opcodes of native `binary`, and whether the result is bool. */
const BINARY: Record<string, [number, boolean]> = {
  [K.Add]: [0, false], [K.Sub]: [1, false], [K.Multiply]: [2, false], [K.RealDiv]: [3, false],
  [K.Maximum]: [4, false], [K.Minimum]: [5, false], [K.Pow]: [6, false], [K.SquaredDifference]: [7, false],
  [K.Equal]: [8, true], [K.NotEqual]: [9, true], [K.Less]: [10, true], [K.LessEqual]: [11, true],
  [K.Greater]: [12, true], [K.GreaterEqual]: [13, true],
};

export const elementwiseKernels = [
  ...Object.entries(UNARY).map(([name, op]) =>
    kernel(name, ({ inputs: { x }, b }) => b.out(b.addon.unary(op, b.id(x))))),
  ...Object.entries(BINARY).map(([name, [op, isBool]]) =>
    kernel(name, ({ inputs: { a, b: y }, b }) => {
      const dtype = isBool ? 'bool' : upcastType(a.dtype, y.dtype);
      return b.out(b.addon.binary(op, b.id(a), b.id(y), DTYPE_CODE[dtype as NativeDtype]));
    })),
];
