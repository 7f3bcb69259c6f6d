// Tensor creation (Fill, ZerosLike, OnesLike, Range, OneHot) and the remaining data kernels
// (TopK, UnsortedSegmentSum) (native/misc.cc).
import * as K from '@tensorflow/tfjs-core';
import { shared } from '@tensorflow/tfjs-backend-cpu';
import { DTYPE_CODE, NativeDtype } from '../native.js';
import { cpu, kernel } from './define.js';

const code = (dtype: K.DataType) => DTYPE_CODE[dtype as NativeDtype];

export const miscKernels = [
  kernel(K.Fill, (a) => {
    const { shape, value, dtype } = a.attrs as unknown as K.FillAttrs;
    const $dtype = dtype ?? K.util.inferDtype(value);
    if ($dtype === 'string' || $dtype === 'complex64') return cpu(K.Fill, a, `got dtype ${$dtype}`);
    return a.b.out(a.b.addon.fill(shape, value as number, code($dtype)));
  }),
  kernel(K.ZerosLike, ({ inputs: { x }, b }) => b.out(b.addon.fill(x.shape, 0, code(x.dtype)))),
  kernel(K.OnesLike, ({ inputs: { x }, b }) => b.out(b.addon.fill(x.shape, 1, code(x.dtype)))),
  // no input to move: the values are computed by tfjs' own range implementation and written once
  kernel(K.Range, ({ attrs, b }) => {
    const { start, stop, step, dtype } = attrs as unknown as K.RangeAttrs;
    const values = shared.rangeImpl(start, stop, step, dtype);
    return b.fromValues(values, [values.length], dtype);
  }),
  kernel(K.LinSpace, ({ attrs, b }) => {
    const { start, stop, num } = attrs as unknown as K.LinSpaceAttrs;
    return b.fromValues(shared.linSpaceImpl(start, stop, num), [num], 'float32');
  }),
  // the two shapes are tiny int32 vectors: read them, broadcast with tfjs' own rule, write the result
  kernel(K.BroadcastArgs, ({ inputs: { s0, s1 }, b }) => {
    const shape = K.backend_util.assertAndGetBroadcastShape(
      Array.from(b.readSync(s0.dataId) as Int32Array), Array.from(b.readSync(s1.dataId) as Int32Array));
    return b.fromValues(Int32Array.from(shape), [shape.length], 'int32');
  }),
  kernel(K.Diag, ({ inputs: { x }, b }) => b.out(b.addon.diag(b.id(x)))),
  kernel(K.ScatterNd, ({ inputs: { indices, updates }, attrs, b }) => {
    const { shape } = attrs as unknown as K.ScatterNdAttrs;
    // rank-1 indices address the first dimension: one index per update
    const idx = indices.shape.length === 1 ? { ...indices, shape: [indices.shape[0], 1] } : indices;
    return b.out(b.addon.scatterNd(b.id(idx), b.id(updates), shape));
  }),
  kernel(K.OneHot, ({ inputs: { indices }, attrs, b }) => {
    const { depth, onValue, offValue, dtype } = attrs as unknown as K.OneHotAttrs;
    return b.out(b.addon.oneHot(b.id(indices), depth, onValue, offValue, code(dtype)));
  }),
  kernel(K.TopK, ({ inputs: { x }, attrs, b }) => {
    const { k } = attrs as unknown as K.TopKAttrs;
    const shape = x.shape.slice();
    shape[shape.length - 1] = k;
    const [values, indices] = b.addon.topK(b.id(x), k) as number[];
    return [b.known(values, shape, x.dtype), b.known(indices, shape.slice(), 'int32')];
  }),
  kernel(K.UnsortedSegmentSum, ({ inputs: { x, segmentIds }, attrs, b }) => {
    const { numSegments } = attrs as unknown as K.UnsortedSegmentSumAttrs;
    return b.out(b.addon.unsortedSegmentSum(b.id(x), b.id(segmentIds), numSegments));
  }),
];
