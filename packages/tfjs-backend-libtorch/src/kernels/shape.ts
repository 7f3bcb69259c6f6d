// Shape and data movement kernels (native/shape.cc). Parameters are resolved with tfjs' own
// helpers (slice_util, backend_util, util) so edge cases follow tfjs; the addon gets plain numbers.
// Reshape, ExpandDims and Identity share the input's data, as tfjs' cpu backend does.
import * as K from '@tensorflow/tfjs-core';
import { TensorInfo, backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import { DTYPE_CODE, NativeDtype } from '../native.js';
import { kernel } from './define.js';
import { layoutKernels } from './layout.js';

const code = (dtype: K.DataType) => DTYPE_CODE[dtype as NativeDtype];
const list = (inputs: unknown) => inputs as TensorInfo[];

export const shapeKernels = [
  kernel(K.Reshape, ({ inputs: { x }, attrs, b }) =>
    b.alias(x, util.inferFromImplicitShape((attrs as unknown as K.ReshapeAttrs).shape, util.sizeFromShape(x.shape)))),
  kernel(K.ExpandDims, ({ inputs: { input }, attrs, b }) => {
    const { dim } = attrs as unknown as K.ExpandDimsAttrs;
    const shape = input.shape.slice();
    let d = dim;
    if (d < 0) {
      util.assert(-(shape.length + 1) <= d, () => `Axis must be in the interval [${-(shape.length + 1)}, ${shape.length}]`);
      d = shape.length + d + 1;
    }
    shape.splice(d, 0, 1);
    return b.alias(input, shape);
  }),
  kernel(K.Identity, ({ inputs: { x }, b }) => b.alias(x, x.shape)),
  kernel(K.Transpose, ({ inputs: { x }, attrs, b }) =>
    b.out(b.addon.transpose(b.id(x), (attrs as unknown as K.TransposeAttrs).perm))),
  kernel(K.Slice, ({ inputs: { x }, attrs, b }) => {
    const { begin, size } = attrs as unknown as K.SliceAttrs;
    const [$begin, $size] = slice_util.parseSliceParams(x as K.Tensor, begin, size);
    slice_util.assertParamsValid(x as K.Tensor, $begin, $size);
    return b.out(b.addon.slice(b.id(x), $begin, $size));
  }),
  kernel(K.StridedSlice, ({ inputs: { x }, attrs, b }) => {
    const { begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask } =
      attrs as unknown as K.StridedSliceAttrs;
    const info = slice_util.sliceInfo(x.shape, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
    if (info.isIdentity) return b.alias(x, info.finalShape);
    // per dimension of x: start, step and count
    const counts = info.begin.map((s, d) => Math.max(0, Math.ceil((info.end[d] - s) / info.strides[d])));
    const sliced = b.addon.stridedSlice(b.id(x), info.begin, info.strides, counts);
    const id = b.addon.reshape(sliced, info.finalShape);
    b.addon.free(sliced);
    return b.out(id);
  }),
  kernel(K.Concat, ({ inputs, attrs, b }) => {
    const xs = list(inputs);
    const axis = util.parseAxisParam((attrs as unknown as K.ConcatAttrs).axis, xs[0].shape)[0];
    backend_util.assertParamsConsistent(xs.map((t) => t.shape), axis);
    const outShape = backend_util.computeOutShape(xs.map((t) => t.shape), axis);
    const nonEmpty = xs.filter((t) => util.sizeFromShape(t.shape) > 0);
    if (nonEmpty.length === 0) return b.out(b.addon.fill(outShape, 0, code(xs[0].dtype)));
    if (nonEmpty.length === 1 && nonEmpty[0].dtype === xs[0].dtype) return b.alias(nonEmpty[0], outShape);
    return b.out(b.addon.concat(nonEmpty.map((t) => b.id(t)), axis, code(xs[0].dtype)));
  }),
  kernel(K.Pack, ({ inputs, attrs, b }) => {
    const xs = list(inputs);
    const { axis } = attrs as unknown as K.PackAttrs;
    xs.forEach((t) => {
      util.assertShapesMatch(xs[0].shape, t.shape, 'All tensors passed to stack must have matching shapes');
      util.assert(xs[0].dtype === t.dtype, () => 'All tensors passed to stack must have matching dtypes');
    });
    return b.out(b.addon.pack(xs.map((t) => b.id(t)), axis, code(xs[0].dtype)));
  }),
  kernel(K.Unpack, ({ inputs: { value }, attrs, b }) => {
    const { axis } = attrs as unknown as K.UnpackAttrs;
    const ax = axis < 0 ? axis + value.shape.length : axis;
    const shape = value.shape.filter((_, d) => d !== ax);
    return (b.addon.unpack(b.id(value), ax) as number[]).map((id) => b.known(id, shape, value.dtype));
  }),
  kernel(K.SplitV, ({ inputs: { x }, attrs, b }) => {
    const { numOrSizeSplits, axis } = attrs as unknown as K.SplitVAttrs;
    const ax = util.parseAxisParam(axis, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x as K.Tensor, numOrSizeSplits, ax);
    return (b.addon.split(b.id(x), sizes, ax) as number[]).map((id, k) => {
      const shape = x.shape.slice();
      shape[ax] = sizes[k];
      return b.known(id, shape, x.dtype);
    });
  }),
  kernel(K.PadV2, ({ inputs: { x }, attrs, b }) => {
    const { paddings, constantValue } = attrs as unknown as K.PadV2Attrs;
    return b.out(b.addon.pad(b.id(x), paddings.flat(), constantValue));
  }),
  kernel(K.MirrorPad, ({ inputs: { x }, attrs, b }) => {
    const { paddings, mode } = attrs as unknown as K.MirrorPadAttrs;
    return b.out(b.addon.mirrorPad(b.id(x), paddings.flat(), mode === 'symmetric'));
  }),
  kernel(K.Tile, ({ inputs: { x }, attrs, b }) => b.out(b.addon.tile(b.id(x), (attrs as unknown as K.TileAttrs).reps))),
  kernel(K.Reverse, ({ inputs: { x }, attrs, b }) => {
    const dims = util.parseAxisParam((attrs as unknown as K.ReverseAttrs).dims, x.shape);
    return b.out(b.addon.reverse(b.id(x), dims));
  }),
  kernel(K.GatherV2, ({ inputs: { x, indices }, attrs, b }) => {
    const { axis, batchDims } = attrs as unknown as K.GatherV2Attrs;
    const ax = util.parseAxisParam(axis, x.shape)[0];
    let bd = batchDims ?? 0;
    if (bd < 0) bd += indices.shape.length;
    // validates shapes and batchDims with tfjs' own messages
    backend_util.segment_util.collectGatherOpShapeInfo(x as K.Tensor, indices as K.Tensor, ax, bd);
    return b.out(b.addon.gather(b.id(x), b.id(indices), ax, bd));
  }),
  kernel(K.GatherNd, ({ inputs: { params, indices }, b }) => b.out(b.addon.gatherNd(b.id(params), b.id(indices)))),
  ...layoutKernels,
];
