// Turns tfjs' resolved convolution / pooling geometry (backend_util Conv2DInfo, Conv3DInfo) into
// the flat numbers the addon takes: strides, [lo, hi] padding per spatial dim, dilations.
import { backend_util } from '@tensorflow/tfjs-core';

type Info = backend_util.Conv2DInfo | backend_util.Conv3DInfo;

const is3d = (i: Info): i is backend_util.Conv3DInfo => 'inDepth' in i;

export interface Geometry {
  strides: number[];
  /** [lo0, hi0, lo1, hi1, ...]; hi is adjusted so that floor arithmetic yields tfjs' output size */
  pads: number[];
  dilations: number[];
  kernel: number[];
  inSize: number[];
  outSize: number[];
}

export function geometry(info: Info): Geometry {
  const p = info.padInfo as backend_util.PadInfo3D;
  const g: Geometry = is3d(info)
    ? {
      strides: [info.strideDepth, info.strideHeight, info.strideWidth],
      pads: [p.front, p.back, p.top, p.bottom, p.left, p.right],
      dilations: [info.dilationDepth, info.dilationHeight, info.dilationWidth],
      kernel: [info.filterDepth, info.filterHeight, info.filterWidth],
      inSize: [info.inDepth, info.inHeight, info.inWidth],
      outSize: [info.outDepth, info.outHeight, info.outWidth],
    }
    : {
      strides: [info.strideHeight, info.strideWidth],
      pads: [p.top, p.bottom, p.left, p.right],
      dilations: [info.dilationHeight, info.dilationWidth],
      kernel: [info.filterHeight, info.filterWidth],
      inSize: [info.inHeight, info.inWidth],
      outSize: [info.outHeight, info.outWidth],
    };
  // Rounding modes other than floor can make tfjs' output one longer (or shorter) than
  // (in + lo + hi - span) / stride + 1: move the high padding to match.
  for (let k = 0; k < g.strides.length; k++) {
    const span = g.dilations[k] * (g.kernel[k] - 1) + 1;
    const need = (g.outSize[k] - 1) * g.strides[k] + span - g.inSize[k] - g.pads[2 * k];
    const floorOut = Math.floor((g.inSize[k] + g.pads[2 * k] + g.pads[2 * k + 1] - span) / g.strides[k]) + 1;
    if (floorOut !== g.outSize[k]) g.pads[2 * k + 1] = need;
  }
  return g;
}
