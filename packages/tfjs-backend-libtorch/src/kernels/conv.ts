// Convolutions (native/conv.cc). tfjs computes output shapes and explicit paddings with
// backend_util.computeConv2DInfo; the addon receives the resolved numbers.
import { Conv2D, Conv2DAttrs, backend_util } from '@tensorflow/tfjs-core';
import { kernel } from './define.js';

export const convKernels = [
  kernel(Conv2D, ({ inputs: { x, filter }, attrs, b }) => {
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
    if (dataFormat === 'NCHW') throw new Error('libtorch backend: Conv2D with dataFormat NCHW is not supported');
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      strides, dilations, pad, dimRoundingMode, false, 'channelsLast');
    const p = info.padInfo;
    return b.out(b.addon.conv2d(b.id(x), b.id(filter), [info.strideHeight, info.strideWidth],
      [p.top, p.bottom, p.left, p.right], [info.dilationHeight, info.dilationWidth]));
  }),
];
