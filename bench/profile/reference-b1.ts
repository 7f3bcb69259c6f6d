// The batch-1 profiling scripts' setup: the libtorch backend (LIBTORCH_NUM_THREADS threads, default 1), the
// engine's reference model as an image AE config, and one fixed 28x28 sample as values, a dataset and a tensor.
import * as tf from '@tensorflow/tfjs-core';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { ArrayDataset } from '../../packages/memae/src/data/dataset.js';
import { resolveConfig } from '../../packages/memae/src/models/config.js';
import { referenceModel } from '../reference-model.js';

export async function referenceBatch1() {
  registerLibtorchBackend({ threads: Number(process.env.LIBTORCH_NUM_THREADS ?? 1) });
  await tf.setBackend('libtorch');
  const model = referenceModel();
  const cfg = resolveConfig({ kind: 'image', variant: 'ae', inputShape: [28, 28, 1] });
  const values = Float32Array.from({ length: 784 }, (_, i) => ((i * 2654435761) % 1000) / 1000);
  return { model, cfg, values, data: new ArrayDataset(values, cfg.inputShape), x: tf.tensor(values, [1, 28, 28, 1]) };
}
