// Block rearrangements of space and batch/depth (SpaceToBatchND, BatchToSpaceND, DepthToSpace)
// and FlipLeftRight, composed from native pad/reshape/transpose/slice/reverse with tfjs' own
// shape helpers, intermediates freed at once.
import * as K from '@tensorflow/tfjs-core';
import { backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { LibtorchBackend } from '../backend.js';
import { cpu, kernel } from './define.js';

/** Runs native steps on an id, freeing each intermediate result. */
function chain(b: LibtorchBackend, id: number, steps: ((id: number) => number)[]): number {
  let cur = id;
  steps.forEach((step, k) => {
    const next = step(cur);
    if (k > 0) b.addon.free(cur);
    cur = next;
  });
  return cur;
}

export const layoutKernels = [
  kernel(K.SpaceToBatchND, ({ inputs: { x }, attrs, b }) => {
    const { blockShape, paddings } = attrs as unknown as K.SpaceToBatchNDAttrs;
    const prod = util.sizeFromShape(blockShape);
    const full = [[0, 0], ...paddings];
    for (let i = 1 + blockShape.length; i < x.shape.length; ++i) full.push([0, 0]);
    const padded = x.shape.map((d, i) => d + full[i][0] + full[i][1]);
    return b.out(chain(b, b.id(x), [
      (id) => b.addon.pad(id, full.flat(), 0),
      (id) => b.addon.reshape(id, backend_util.getReshaped(padded, blockShape, prod, false)),
      (id) => b.addon.transpose(id, backend_util.getPermuted(padded.length + blockShape.length, blockShape.length, false)),
      (id) => b.addon.reshape(id, backend_util.getReshapedPermuted(padded, blockShape, prod, false)),
    ]));
  }),
  kernel(K.BatchToSpaceND, ({ inputs: { x }, attrs, b }) => {
    const { blockShape, crops } = attrs as unknown as K.BatchToSpaceNDAttrs;
    const prod = util.sizeFromShape(blockShape);
    const reshaped = backend_util.getReshaped(x.shape, blockShape, prod);
    const permuted = backend_util.getPermuted(reshaped.length, blockShape.length);
    const reshapedPermuted = backend_util.getReshapedPermuted(x.shape, blockShape, prod);
    const [begin, size] = slice_util.parseSliceParams({ shape: reshapedPermuted } as K.Tensor,
      backend_util.getSliceBeginCoords(crops, blockShape.length), backend_util.getSliceSize(reshapedPermuted, crops, blockShape.length));
    return b.out(chain(b, b.id(x), [
      (id) => b.addon.reshape(id, reshaped),
      (id) => b.addon.transpose(id, permuted),
      (id) => b.addon.reshape(id, reshapedPermuted),
      (id) => b.addon.slice(id, begin, size),
    ]));
  }),
  kernel(K.DepthToSpace, (a) => {
    const { inputs: { x }, attrs, b } = a;
    const { blockSize: s, dataFormat } = attrs as unknown as K.DepthToSpaceAttrs;
    if (dataFormat !== 'NHWC') return cpu(K.DepthToSpace, a, `got dataFormat ${dataFormat}`);
    const [n, h, w, c] = x.shape;
    util.assert(c % (s * s) === 0, () => `Dimension size must be evenly divisible by ${s * s} but is ${c} for depthToSpace with input shape ${x.shape}`);
    // channel (i * s + j) * cOut + k of pixel (y, x) goes to pixel (y * s + i, x * s + j), channel k
    return b.out(chain(b, b.id(x), [
      (id) => b.addon.reshape(id, [n, h, w, s, s, c / (s * s)]),
      (id) => b.addon.transpose(id, [0, 1, 3, 2, 4, 5]),
      (id) => b.addon.reshape(id, [n, h * s, w * s, c / (s * s)]),
    ]));
  }),
  kernel(K.FlipLeftRight, ({ inputs: { image }, b }) => b.out(b.addon.reverse(b.id(image), [2]))),
];
