// The engine speed reference model (docs/engine.md): a small convolutional autoencoder on
// 28x28x1 images, written with tf.layers exactly as a user would, trained with MSE and Adam.
// tfjs-core + tfjs-layers, as memae imports them (the @tensorflow/tfjs bundle also loads the
// converter, data and webgl packages: about 40 MB more resident memory under tsx).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { adam } from '../packages/memae/src/train/adam.js';
import { TrainStep, type StepReduce } from '../packages/memae/src/train/step.js';

export const IMAGE = 28;

/** Conv(3x3,s2,16) BN LReLU, Conv(32) BN LReLU, Conv(64) BN LReLU, ConvT(32) BN LReLU, ConvT(16) BN LReLU, ConvT(1), crop 28x28. */
export function referenceModel(seed = 1): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed * 100 + k });
  const input = tfl.input({ shape: [IMAGE, IMAGE, 1] });
  let h: tfl.SymbolicTensor = input;
  let k = 0;
  const block = (layer: tfl.layers.Layer) => {
    h = layer.apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tfl.SymbolicTensor;
  };
  for (const filters of [16, 32, 64]) {
    block(tfl.layers.conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(k++) }));
  }
  for (const filters of [32, 16]) {
    block(tfl.layers.conv2dTranspose({ filters, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(k++) }));
  }
  h = tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(k) }).apply(h) as tfl.SymbolicTensor;
  // 4x4 -> 32x32 after three stride-2 transposed convolutions: crop back to 28x28.
  h = tfl.layers.cropping2D({ cropping: [[2, 2], [2, 2]] }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: h });
}

/**
 * One training step closure: MSE reconstruction loss, Adam(1e-3). Returns nothing (no read back).
 * 'memae': memae's training step (train/step.ts: tfjs' Adam with one fused native update on libtorch, and each batch
 * shape's step recorded and replayed natively from its third step; MEMAE_REPLAY=0 runs it op by op);
 * 'tfjs': tf.train.adam's minimize, op by op. `par` (memae only): the gradients averaged over data-parallel ranks.
 */
export function trainer(model: tfl.LayersModel, lr = 1e-3, optimizer: 'memae' | 'tfjs' = 'memae', par?: StepReduce): (x: tf.Tensor) => void {
  const loss = (x: tf.Tensor) => tf.losses.meanSquaredError(x, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  if (optimizer === 'tfjs') {
    const opt = tf.train.adam(lr);
    return (x) => { tf.tidy(() => { opt.minimize(() => loss(x), false); }); };
  }
  const step = new TrainStep(model.trainableWeights.map((w) => w.read() as tf.Variable), model.nonTrainableWeights.map((w) => w.read() as tf.Variable),
    adam(lr), (x) => ({ total: loss(x), parts: [] }), { parts: 0 });
  return (x) => { tf.dispose(tf.tidy(() => step.run(x, lr, par))); };
}

/** Inference on a batch (BN uses its moving statistics). */
export function infer(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor);
}
