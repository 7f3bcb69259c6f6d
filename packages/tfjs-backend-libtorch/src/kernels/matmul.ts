// Batched matrix products and the fused bias + activation form used by tf.layers Dense (native/matmul.cc).
import * as K from '@tensorflow/tfjs-core';
import { activationCode } from './activation.js';
import { cpu, kernel } from './define.js';

// tfjs' matMul is defined for rank >= 2 only; ATen would take a rank-1 operand as a vector (a dot product),
// so those calls go to cpu, which refuses them with tfjs' own error.
const belowRank2 = (a: K.TensorInfo, y: K.TensorInfo) => a.shape.length < 2 || y.shape.length < 2;

export const matmulKernels = [
  kernel(K.BatchMatMul, (args) => {
    const { inputs: { a, b: y }, attrs, b } = args;
    if (belowRank2(a, y)) return cpu(K.BatchMatMul, args, 'an operand of rank < 2');
    const { transposeA, transposeB } = attrs as unknown as K.BatchMatMulAttrs;
    return b.out(b.addon.matmul(b.id(a), b.id(y), transposeA, transposeB, 0, 0, 0, 0));
  }),
  kernel(K._FusedMatMul, (args) => {
    const { inputs: { a, b: y, bias, preluActivationWeights }, attrs, b } = args;
    if (belowRank2(a, y)) return cpu(K._FusedMatMul, args, 'an operand of rank < 2');
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as K._FusedMatMulAttrs;
    return b.out(b.addon.matmul(b.id(a), b.id(y), transposeA, transposeB, bias ? b.id(bias) : 0,
      activationCode(activation), leakyreluAlpha ?? 0.2, preluActivationWeights ? b.id(preluActivationWeights) : 0));
  }),
];
