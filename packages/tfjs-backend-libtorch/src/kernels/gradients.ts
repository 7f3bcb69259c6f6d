// Faster gradients on this backend. tfjs composes some gradients from many small ops (batch norm:
// about 20); here one native kernel computes them all. Gradients are registered per kernel name
// for every backend, so each wrapper keeps tfjs' own gradient for the other backends.
// tfjs registers its gradients when tfjs-layers (or the tfjs bundle) is imported, possibly after
// this backend: the forward kernels call ensureFastGradient, which (re)installs the wrapper
// whenever the registry holds another one; tfjs looks the gradient up after the forward kernel ran.
import * as K from '@tensorflow/tfjs-core';
import { GradConfig, NamedAttrMap, Tensor, engine, getGradient, registerGradient, util } from '@tensorflow/tfjs-core';
import { BACKEND_NAME, kernel } from './define.js';

/** Kernels only this backend has, used by the gradients below. */
export const BATCH_NORM_GRAD = 'LibtorchBatchNormGrad';
export const LEAKY_RELU_GRAD = 'LibtorchLeakyReluGrad';
export const BROADCAST_GRAD = 'LibtorchBroadcastGrad';
export const SQUARE_GRAD = 'LibtorchSquareGrad';
export const SOFTMAX_GRAD = 'LibtorchSoftmaxGrad';
/** Training-mode batch norm over the last axis: inputs {x, scale, offset}, attr varianceEpsilon; outputs [y, batch
 *  mean, batch variance (biased)]. Its gradient (registered below) flows through the statistics to x; the mean and
 *  variance outputs take no gradient (they feed running estimates). */
export const BATCH_NORM_TRAIN = 'LibtorchBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'LibtorchBatchNormTrainGrad';

export const gradientKernels = [
  kernel(BATCH_NORM_GRAD, ({ inputs: { dy, x, mean, variance, scale }, attrs, b }) =>
    b.outs(b.addon.batchNormGrad(b.id(dy), b.id(x), b.id(mean), b.id(variance), scale ? b.id(scale) : 0, attrs.varianceEpsilon as number))),
  kernel(LEAKY_RELU_GRAD, ({ inputs: { dy, x }, attrs, b }) =>
    b.out(b.addon.leakyReluGrad(b.id(dy), b.id(x), attrs.alpha as number))),
  kernel(BROADCAST_GRAD, ({ inputs: { dy }, attrs, b }) =>
    b.out(b.addon.broadcastGrad(b.id(dy), attrs.keptShape as number[], attrs.shape as number[], attrs.scale as number))),
  kernel(SQUARE_GRAD, ({ inputs: { dy, x }, b }) => b.out(b.addon.squareGrad(b.id(dy), b.id(x)))),
  kernel(BATCH_NORM_TRAIN, ({ inputs: { x, scale, offset }, attrs, b }) =>
    b.outs(b.addon.batchNormTrain(b.id(x), b.id(scale), b.id(offset), attrs.varianceEpsilon as number))),
  kernel(BATCH_NORM_TRAIN_GRAD, ({ inputs: { dy, x, mean, variance, scale }, attrs, b }) =>
    b.outs(b.addon.batchNormTrainGrad(b.id(dy), b.id(x), b.id(mean), b.id(variance), b.id(scale), attrs.varianceEpsilon as number))),
  kernel(SOFTMAX_GRAD, ({ inputs: { dy, y }, attrs, b }) => b.out(b.addon.softmaxGrad(b.id(dy), b.id(y), attrs.dim as number))),
];

type GradFunc = (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => Record<string, () => Tensor>;

const ours = new Map<string, GradFunc>();
const installed = new Map<string, GradConfig['gradFunc']>();

/** Makes sure the registered gradients are ours on this backend (cheap when they are). */
export function ensureFastGradients(): void {
  for (const name of ours.keys()) ensureFastGradient(name);
}

/** Makes sure the registered gradient of kernelName is ours on this backend (cheap when it is). */
export function ensureFastGradient(kernelName: string): void {
  const current = getGradient(kernelName);
  if (current == null || current.gradFunc === installed.get(kernelName)) return;
  const fast = ours.get(kernelName) as GradFunc;
  const theirs = current.gradFunc;
  const gradFunc: GradConfig['gradFunc'] = (dy, saved, attrs) => (engine().backendName === BACKEND_NAME ? fast : theirs)(dy, saved, attrs);
  installed.set(kernelName, gradFunc);
  registerGradient({ ...current, gradFunc });
}

// All results are computed in the gradient function itself, eagerly: tfjs calls each returned
// closure inside its own tidy, and unused results are released by the enclosing backward tidy.
ours.set(K.FusedBatchNorm, (dy, saved, attrs) => {
  const [x, mean, variance, scale] = saved;
  const inputs: Record<string, Tensor> = { dy: dy as Tensor, x, mean, variance };
  if (scale != null) inputs.scale = scale;
  const r = engine().runKernel(BATCH_NORM_GRAD, inputs, { varianceEpsilon: attrs.varianceEpsilon }) as Tensor[];
  const [dx, dmean, dvariance] = r;
  const dscale = scale != null ? r[3] : undefined;
  const doffset = r[r.length - 1];
  return { x: () => dx, mean: () => dmean, variance: () => dvariance, scale: () => dscale as Tensor, offset: () => doffset };
});
// Sum and Mean: tfjs multiplies dy by a tensor of ones of x's shape (three full-size ops); here
// dy becomes a broadcast view of x's shape that owns no more memory than dy.
function broadcastGrad(scaled: boolean): GradFunc {
  return (dy, saved, attrs) => {
    const [x] = saved;
    const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    const r = engine().runKernel(BROADCAST_GRAD, { dy: dy as Tensor }, { keptShape, shape: x.shape, scale: scaled ? 1 / count : 1 }) as Tensor;
    return { x: () => r };
  };
}
ours.set(K.Sum, broadcastGrad(false));
ours.set(K.Mean, broadcastGrad(true));
ours.set(K.Square, (dy, saved) => {
  const r = engine().runKernel(SQUARE_GRAD, { dy: dy as Tensor, x: saved[0] }) as Tensor;
  return { x: () => r };
});
ours.set(K.LeakyRelu, (dy, saved, attrs) => {
  const r = engine().runKernel(LEAKY_RELU_GRAD, { dy: dy as Tensor, x: saved[0] }, { alpha: attrs.alpha }) as Tensor;
  return { x: () => r };
});
ours.set(K.Softmax, (dy, saved, attrs) => {
  const [y] = saved;
  const dim = attrs.dim as number;
  const r = engine().runKernel(SOFTMAX_GRAD, { dy: dy as Tensor, y }, { dim: dim < 0 ? y.rank + dim : dim }) as Tensor;
  return { logits: () => r };
});

// A kernel of this backend alone: its gradient is registered once, as is (no other backend has the kernel).
registerGradient({
  kernelName: BATCH_NORM_TRAIN,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, true, true],
  gradFunc: (dy, saved, attrs) => {
    const [x, scale, mean, variance] = saved;
    const [dx, dscale, doffset] = engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy: (dy as Tensor[])[0], x, mean, variance, scale },
      { varianceEpsilon: attrs.varianceEpsilon }) as Tensor[];
    return { x: () => dx, scale: () => dscale, offset: () => doffset };
  },
});
