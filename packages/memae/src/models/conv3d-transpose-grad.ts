// tfjs-core has no gradient for Conv3DBackpropInputV2 (the op behind conv3dTranspose), so the video
// decoder could not train. The transposed convolution y = convT(x, W) is the input-gradient of a forward
// convolution, so: dL/dx = conv3d(dL/dy, W) and dL/dW = conv3DBackpropFilter(input = dL/dy, dy = x).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients (in the same tfjs-core instance)

const KERNEL = 'Conv3DBackpropInputV2';
let registered = false;

export function registerConv3dTransposeGradient(): void {
  if (registered || tf.getGradient(KERNEL) !== undefined) { registered = true; return; }
  registered = true;
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = ddy as tf.Tensor5D;
      const [x, filter] = saved as [tf.Tensor5D, tf.Tensor5D];
      const strides = attrs.strides as [number, number, number];
      const pad = attrs.pad as 'valid' | 'same';
      return {
        dy: () => tf.conv3d(g, filter, strides, pad),
        filter: () => tf.engine().runKernel('Conv3DBackpropFilterV2', { x: g, dy: x }, { strides, pad, filterShape: filter.shape }) as tf.Tensor5D,
      };
    },
  });
}
registerConv3dTransposeGradient();
