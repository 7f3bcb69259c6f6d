// Max and average pooling, 2D and 3D, and their gradients (native/pool.cc).
import * as K from '@tensorflow/tfjs-core';
import { TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import type { LibtorchBackend } from '../backend.js';
import { kernel } from './define.js';
import { geometry } from './geometry.js';

type Shape4 = [number, number, number, number];
type Shape5 = [number, number, number, number, number];
interface PoolAttrs { filterSize: number | number[]; strides: number | number[]; pad: 'valid' | 'same' | number | backend_util.ExplicitPadding; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: string }

function poolInfo(shape: number[], a: PoolAttrs): backend_util.Conv2DInfo | backend_util.Conv3DInfo {
  if (a.dataFormat === 'NCDHW') throw new Error('libtorch backend: 3D pooling with dataFormat NCDHW is not supported');
  return shape.length === 5
    ? backend_util.computePool3DInfo(shape as Shape5, a.filterSize as [number, number, number], a.strides as [number, number, number], 1, a.pad as 'same', a.dimRoundingMode)
    : backend_util.computePool2DInfo(shape as Shape4, a.filterSize as [number, number], a.strides as [number, number], 1, a.pad, a.dimRoundingMode);
}

const run = (fn: string) => (b: LibtorchBackend, ids: number[], shape: number[], attrs: PoolAttrs): TensorInfo => {
  const g = geometry(poolInfo(shape, attrs));
  return b.out(b.addon[fn](...ids, g.kernel, g.strides, g.pads));
};

const maxPool = run('maxPool'), avgPool = run('avgPool'), maxPoolGrad = run('maxPoolGrad'), avgPoolGrad = run('avgPoolGrad');
const attrsOf = (a: unknown) => a as PoolAttrs;

export const poolKernels = [
  ...[K.MaxPool, K.MaxPool3D].map((name) => kernel(name, ({ inputs: { x }, attrs, b }) => maxPool(b, [b.id(x)], x.shape, attrsOf(attrs)))),
  ...[K.AvgPool, K.AvgPool3D].map((name) => kernel(name, ({ inputs: { x }, attrs, b }) => avgPool(b, [b.id(x)], x.shape, attrsOf(attrs)))),
  ...[K.MaxPoolGrad, K.MaxPool3DGrad].map((name) => kernel(name, ({ inputs: { dy, input }, attrs, b }) =>
    maxPoolGrad(b, [b.id(dy), b.id(input)], input.shape, attrsOf(attrs)))),
  ...[K.AvgPoolGrad, K.AvgPool3DGrad].map((name) => kernel(name, ({ inputs: { dy, input }, attrs, b }) =>
    avgPoolGrad(b, [b.id(dy), b.id(input)], input.shape, attrsOf(attrs)))),
];
