// Unary math, binary arithmetic with broadcasting and comparisons (native/elementwise.cc).
import * as K from '@tensorflow/tfjs-core';
import { upcastType } from '@tensorflow/tfjs-core';
import { DTYPE_CODE, NativeDtype } from '../native.js';
import { cpu, kernel } from './define.js';

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

/** Unary kernels of native `math`: op name, and the output dtype when it is not x's. */
const MATH: Record<string, [string, K.DataType?]> = {
  [K.Floor]: ['floor'], [K.Ceil]: ['ceil'], [K.Round]: ['round'], [K.Sin]: ['sin'], [K.Cos]: ['cos'], [K.Tan]: ['tan'],
  [K.Asin]: ['asin'], [K.Acos]: ['acos'], [K.Atan]: ['atan'], [K.Sinh]: ['sinh'], [K.Cosh]: ['cosh'],
  [K.Asinh]: ['asinh'], [K.Acosh]: ['acosh'], [K.Atanh]: ['atanh'], [K.Log1p]: ['log1p'], [K.Expm1]: ['expm1'],
  [K.Erf]: ['erf'], [K.Softplus]: ['softplus'], [K.Selu]: ['selu'], [K.Step]: ['step'], [K.ClipByValue]: ['clip'],
  [K.IsNan]: ['isNan', 'bool'], [K.IsInf]: ['isInf', 'bool'], [K.IsFinite]: ['isFinite', 'bool'],
  [K.LogicalNot]: ['logicalNot', 'bool'],
};

/** Binary kernels of native `binaryNamed`, and the output dtype when it is not the inputs' upcast
 * (tfjs' cpu FloorDiv returns int32 whatever its inputs). */
const BINARY_NAMED: Record<string, [string, K.DataType?]> = {
  [K.FloorDiv]: ['floorDiv', 'int32'], [K.Mod]: ['mod'], [K.Atan2]: ['atan2'], [K.BitwiseAnd]: ['bitwiseAnd'],
  [K.LogicalAnd]: ['logicalAnd', 'bool'], [K.LogicalOr]: ['logicalOr', 'bool'],
};

const code = (dtype: K.DataType) => DTYPE_CODE[dtype as NativeDtype];

export const elementwiseKernels = [
  ...Object.entries(MATH).map(([name, [op, dtype]]) =>
    kernel(name, ({ inputs: { x }, attrs, b }) => {
      // Step's alpha; ClipByValue's bounds
      const [lo, hi] = op === 'step' ? [attrs.alpha as number, 0] : [attrs.clipValueMin as number ?? 0, attrs.clipValueMax as number ?? 0];
      return b.out(b.addon.math(op, b.id(x), code(dtype ?? x.dtype), lo, hi));
    })),
  ...Object.entries(BINARY_NAMED).map(([name, [op, dtype]]) =>
    kernel(name, ({ inputs: { a, b: y }, b }) =>
      b.out(b.addon.binaryNamed(op, b.id(a), b.id(y), code(dtype ?? upcastType(a.dtype, y.dtype)))))),
  kernel(K.Cast, (a) => {
    const { inputs: { x }, attrs, b } = a;
    const dtype = (attrs as unknown as K.CastAttrs).dtype;
    if (dtype === 'string' || dtype === 'complex64') return cpu(K.Cast, a, `to ${dtype}`);
    if (dtype === x.dtype) return b.alias(x, x.shape);
    return b.out(b.addon.cast(b.id(x), code(dtype)));
  }),
  kernel(K.Select, ({ inputs: { condition, t, e }, b }) =>
    b.out(b.addon.select(b.id(condition), b.id(t), b.id(e), code(upcastType(t.dtype, e.dtype))))),
  kernel(K.AddN, ({ inputs, b }) => {
    const xs = inputs as unknown as K.TensorInfo[];
    return b.out(b.addon.addN(xs.map((t) => b.id(t)), code(xs[0].dtype)));
  }),
  ...Object.entries(UNARY).map(([name, op]) =>
    kernel(name, ({ inputs: { x }, b }) => {
      if (x.dtype === 'float32') return b.out(b.addon.unary(op, b.id(x)));
      // int32/bool: compute in float32, return the dtype tfjs' cpu gives (x's; float32 for Exp)
      const fx = b.addon.cast(b.id(x), code('float32'));
      const r = b.addon.unary(op, fx);
      const out = b.addon.cast(r, code(name === K.Exp ? 'float32' : x.dtype));
      b.addon.free(fx);
      b.addon.free(r);
      return b.out(out);
    })),
  ...Object.entries(BINARY).map(([name, [op, isBool]]) =>
    kernel(name, ({ inputs: { a, b: y }, b }) => {
      const dtype = isBool ? 'bool' : upcastType(a.dtype, y.dtype);
      return b.out(b.addon.binary(op, b.id(a), b.id(y), DTYPE_CODE[dtype as NativeDtype]));
    })),
];
