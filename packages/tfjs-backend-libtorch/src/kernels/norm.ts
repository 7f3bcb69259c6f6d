// Batch normalization with given statistics (tf.batchNorm -> FusedBatchNorm), native/norm.cc.
import * as K from '@tensorflow/tfjs-core';
import { kernel } from './define.js';
import { ensureFastGradients } from './gradients.js';

export const normKernels = [
  kernel(K.FusedBatchNorm, ({ inputs: { x, mean, variance, offset, scale }, attrs, b }) => {
    const { varianceEpsilon } = attrs as unknown as K.FusedBatchNormAttrs;
    ensureFastGradients();
    return b.out(b.addon.batchNorm(b.id(x), b.id(mean), b.id(variance), offset ? b.id(offset) : 0, scale ? b.id(scale) : 0, varianceEpsilon));
  }),
];
