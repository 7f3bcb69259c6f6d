// Convolutions (native/conv.cc): 2D, depthwise and 3D, forward, input and filter gradients, and
// the fused bias + activation forms. tfjs resolves shapes and paddings (backend_util); the addon
// receives the numbers (geometry.ts).
import * as K from '@tensorflow/tfjs-core';
import { TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import type { LibtorchBackend } from '../backend.js';
import { activationCode } from './activation.js';
import { kernel } from './define.js';
import { geometry } from './geometry.js';

type Shape4 = [number, number, number, number];
type Shape5 = [number, number, number, number, number];
type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function nhwc(name: string, dataFormat: string | undefined): void {
  if (dataFormat === 'NCHW' || dataFormat === 'NCDHW') throw new Error(`libtorch backend: ${name} with dataFormat ${dataFormat} is not supported`);
}

interface Common { strides: number | [number, number]; pad: Pad; dilations?: number | [number, number]; dimRoundingMode?: Rounding; dataFormat?: string }

function info2d(xShape: number[], filterShape: number[], a: Common, depthwise: boolean): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise, 'channelsLast');
}

interface Conv3dCommon { strides: number | [number, number, number]; pad: 'valid' | 'same'; dilations?: number | [number, number, number] }

function info3d(xShape: number[], filterShape: number[], a: Conv3dCommon): backend_util.Conv3DInfo {
  return backend_util.computeConv3DInfo(xShape as Shape5, filterShape as Shape5, a.strides, a.dilations ?? 1, a.pad);
}

function forward(b: LibtorchBackend, x: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo | backend_util.Conv3DInfo,
  groups: number, bias?: TensorInfo, act?: string, alpha = 0.2, prelu?: TensorInfo): TensorInfo {
  const g = geometry(info);
  return b.out(b.addon.conv(b.id(x), b.id(filter), bias ? b.id(bias) : 0, g.strides, g.pads, g.dilations, groups,
    activationCode(act), alpha, prelu ? b.id(prelu) : 0));
}

function inputGrad(b: LibtorchBackend, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo | backend_util.Conv3DInfo, groups: number): TensorInfo {
  const g = geometry(info);
  return b.out(b.addon.convInputGrad(b.id(dy), b.id(filter), g.inSize, g.strides, g.pads, g.dilations, groups));
}

function filterGrad(b: LibtorchBackend, x: TensorInfo, dy: TensorInfo, filterShape: number[], info: backend_util.Conv2DInfo | backend_util.Conv3DInfo, groups: number): TensorInfo {
  const g = geometry(info);
  return b.out(b.addon.convFilterGrad(b.id(x), b.id(dy), filterShape, g.strides, g.pads, g.dilations, groups));
}

export const convKernels = [
  kernel(K.Conv2D, ({ inputs: { x, filter }, attrs, b }) => {
    const a = attrs as unknown as K.Conv2DAttrs;
    nhwc(K.Conv2D, a.dataFormat);
    return forward(b, x, filter, info2d(x.shape, filter.shape, a, false), 1);
  }),
  kernel(K.FusedConv2D, ({ inputs: { x, filter, bias, preluActivationWeights }, attrs, b }) => {
    const a = attrs as unknown as K.FusedConv2DAttrs;
    nhwc(K.FusedConv2D, a.dataFormat);
    return forward(b, x, filter, info2d(x.shape, filter.shape, a, false), 1, bias, a.activation, a.leakyreluAlpha, preluActivationWeights);
  }),
  kernel(K.Conv2DBackpropInput, ({ inputs: { dy, filter }, attrs, b }) => {
    const a = attrs as unknown as K.Conv2DBackpropInputAttrs;
    nhwc(K.Conv2DBackpropInput, a.dataFormat);
    return inputGrad(b, dy, filter, info2d(a.inputShape, filter.shape, a, false), 1);
  }),
  kernel(K.Conv2DBackpropFilter, ({ inputs: { x, dy }, attrs, b }) => {
    const a = attrs as unknown as K.Conv2DBackpropFilterAttrs;
    nhwc(K.Conv2DBackpropFilter, a.dataFormat);
    return filterGrad(b, x, dy, a.filterShape, info2d(x.shape, a.filterShape, a, false), 1);
  }),
  kernel(K.DepthwiseConv2dNative, ({ inputs: { x, filter }, attrs, b }) => {
    const a = attrs as unknown as K.DepthwiseConv2dNativeAttrs;
    nhwc(K.DepthwiseConv2dNative, a.dataFormat);
    return forward(b, x, filter, info2d(x.shape, filter.shape, a, true), x.shape[3]);
  }),
  kernel(K.FusedDepthwiseConv2D, ({ inputs: { x, filter, bias, preluActivationWeights }, attrs, b }) => {
    const a = attrs as unknown as K.FusedDepthwiseConv2DAttrs;
    nhwc(K.FusedDepthwiseConv2D, a.dataFormat);
    return forward(b, x, filter, info2d(x.shape, filter.shape, a, true), x.shape[3], bias, a.activation, a.leakyreluAlpha, preluActivationWeights);
  }),
  kernel(K.DepthwiseConv2dNativeBackpropInput, ({ inputs: { dy, filter }, attrs, b }) => {
    const a = attrs as unknown as K.DepthwiseConv2dNativeBackpropInputAttrs;
    return inputGrad(b, dy, filter, info2d(a.inputShape, filter.shape, a, true), a.inputShape[3]);
  }),
  kernel(K.DepthwiseConv2dNativeBackpropFilter, ({ inputs: { x, dy }, attrs, b }) => {
    const a = attrs as unknown as K.DepthwiseConv2dNativeBackpropFilterAttrs;
    return filterGrad(b, x, dy, a.filterShape, info2d(x.shape, a.filterShape, a, true), x.shape[3]);
  }),
  kernel(K.Conv3D, ({ inputs: { x, filter }, attrs, b }) => {
    const a = attrs as unknown as K.Conv3DAttrs;
    nhwc(K.Conv3D, a.dataFormat);
    return forward(b, x, filter, info3d(x.shape, filter.shape, a), 1);
  }),
  kernel(K.Conv3DBackpropInputV2, ({ inputs: { dy, filter }, attrs, b }) => {
    const a = attrs as unknown as K.Conv3DBackpropInputV2Attrs;
    return inputGrad(b, dy, filter, info3d(a.inputShape, filter.shape, a), 1);
  }),
  kernel(K.Conv3DBackpropFilterV2, ({ inputs: { x, dy }, attrs, b }) => {
    const a = attrs as unknown as K.Conv3DBackpropFilterV2Attrs;
    return filterGrad(b, x, dy, a.filterShape, info3d(x.shape, a.filterShape, a), 1);
  }),
];
