// Batched matrix products and the fused bias + activation form used by tf.layers Dense (native/matmul.cc).
import * as K from '@tensorflow/tfjs-core';
import { activationCode } from './activation.js';
import { kernel } from './define.js';

export const matmulKernels = [
  kernel(K.BatchMatMul, ({ inputs: { a, b: y }, attrs, b }) => {
    const { transposeA, transposeB } = attrs as unknown as K.BatchMatMulAttrs;
    return b.out(b.addon.matmul(b.id(a), b.id(y), transposeA, transposeB, 0, 0, 0, 0));
  }),
  kernel(K._FusedMatMul, ({ inputs: { a, b: y, bias, preluActivationWeights }, attrs, b }) => {
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as K._FusedMatMulAttrs;
    return b.out(b.addon.matmul(b.id(a), b.id(y), transposeA, transposeB, bias ? b.id(bias) : 0,
      activationCode(activation), leakyreluAlpha ?? 0.2, preluActivationWeights ? b.id(preluActivationWeights) : 0));
  }),
];
