// Reductions, arg reductions and cumulative sums/products (native/reduce.cc). Axes are
// resolved here with tfjs' own helpers; output dtypes follow tfjs' cpu backend.
import * as K from '@tensorflow/tfjs-core';
import { DataType, TensorInfo, upcastType, util } from '@tensorflow/tfjs-core';
import { DTYPE_CODE, NativeDtype } from '../native.js';
import { NativeArgs, cpu, kernel } from './define.js';

const code = (dtype: DataType) => DTYPE_CODE[dtype as NativeDtype];
const isEmpty = (t: TensorInfo) => util.sizeFromShape(t.shape) === 0;

/** Reduction kernels: native op, the attribute holding the axes, output dtype from x's. */
const REDUCE: [string, string, string, (d: DataType) => DataType][] = [
  [K.Sum, 'sum', 'axis', (d) => upcastType(d, 'int32')],
  [K.Prod, 'prod', 'axis', (d) => upcastType(d, 'int32')],
  [K.Mean, 'mean', 'axis', () => 'float32'],
  [K.Max, 'max', 'reductionIndices', (d) => d],
  [K.Min, 'min', 'axis', (d) => d],
  [K.All, 'all', 'axis', () => 'bool'],
  [K.Any, 'any', 'axis', () => 'bool'],
];

function reduce(name: string, op: string, axisAttr: string, outDtype: (d: DataType) => DataType, a: NativeArgs) {
  const { inputs: { x }, attrs, b } = a;
  const keepDims = attrs.keepDims as boolean;
  const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
  const dtype = outDtype(x.dtype);
  // max/min of nothing is left to cpu (ATen refuses to reduce an empty dimension); so is mean of nothing
  // (ATen gives NaN, tfjs cpu 0)
  if ((op === 'max' || op === 'min' || op === 'mean') && isEmpty(x)) return cpu(name, a, 'got an empty input');
  if (axes.length === 0) {
    // reducing over no axis: the values themselves, in the output dtype
    return dtype === x.dtype ? b.alias(x, x.shape) : b.out(b.addon.cast(b.id(x), code(dtype)));
  }
  return b.out(b.addon.reduce(op, b.id(x), axes, keepDims, code(dtype)));
}

export const reduceKernels = [
  ...REDUCE.map(([name, op, axisAttr, outDtype]) => kernel(name, (a) => reduce(name, op, axisAttr, outDtype, a))),
  ...[[K.ArgMax, 'argMax'], [K.ArgMin, 'argMin']].map(([name, op]) =>
    kernel(name, (a) => {
      const { inputs: { x }, attrs, b } = a;
      if (isEmpty(x)) return cpu(name, a, 'got an empty input');
      const axis = util.parseAxisParam(attrs.axis as number | number[], x.shape)[0];
      return b.out(b.addon.argReduce(op, b.id(x), axis));
    })),
  ...[[K.Cumsum, 'cumsum'], [K.Cumprod, 'cumprod']].map(([name, op]) =>
    kernel(name, ({ inputs: { x }, attrs, b }) => {
      const { axis, exclusive, reverse } = attrs as unknown as K.CumsumAttrs;
      const ax = util.parseAxisParam(axis, x.shape)[0];
      return b.out(b.addon.cumulative(op, b.id(x), ax, exclusive, reverse, code(upcastType(x.dtype, 'int32'))));
    })),
];

