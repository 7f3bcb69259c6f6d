// Activations (native/activation.cc): LeakyRelu, Prelu, Elu, EluGrad, Relu6, Softmax, and the
// activation codes of fused kernels.
import * as K from '@tensorflow/tfjs-core';
import { kernel } from './define.js';
import { ensureFastGradients } from './gradients.js';

/** Activation codes of native fused kernels (native/activation.h). */
export const ACTIVATION: Record<string, number> = {
  linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, prelu: 5, sigmoid: 6,
};

export function activationCode(name: string | undefined): number {
  const c = ACTIVATION[name ?? 'linear'];
  if (c === undefined) throw new Error(`libtorch backend: unknown fused activation ${name}`);
  return c;
}

export const activationKernels = [
  kernel(K.LeakyRelu, ({ inputs: { x }, attrs, b }) => {
    ensureFastGradients();
    return b.out(b.addon.act(b.id(x), ACTIVATION.leakyrelu, (attrs as unknown as K.LeakyReluAttrs).alpha, 0));
  }),
  kernel(K.Prelu, ({ inputs: { x, alpha }, b }) => b.out(b.addon.act(b.id(x), ACTIVATION.prelu, 0, b.id(alpha)))),
  kernel(K.Elu, ({ inputs: { x }, b }) => b.out(b.addon.act(b.id(x), ACTIVATION.elu, 0, 0))),
  kernel(K.Relu6, ({ inputs: { x }, b }) => b.out(b.addon.act(b.id(x), ACTIVATION.relu6, 0, 0))),
  kernel(K.EluGrad, ({ inputs: { dy, y }, b }) => b.out(b.addon.eluGrad(b.id(dy), b.id(y)))),
  kernel(K.Softmax, ({ inputs: { logits }, attrs, b }) => {
    ensureFastGradients();
    const { dim } = attrs as unknown as K.SoftmaxAttrs;
    return b.out(b.addon.softmax(b.id(logits), dim < 0 ? logits.shape.length + dim : dim, false));
  }),
];
