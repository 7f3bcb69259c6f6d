// Training the engine benchmark's reference model (tf.layers conv/BN/LeakyReLU/transposed conv,
// MSE, Adam) must neither leak tfjs tensors nor native tensors, and must use no cpu fallback.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LibtorchBackend, fallbackKernelsUsed, registerLibtorchBackend } from '../src/index.js';
import { IMAGE, infer, referenceModel, trainer } from '../../../bench/reference-model.js';

describe('reference model training on libtorch', () => {
  it('keeps tfjs and native tensor counts flat over 50 steps, without cpu fallbacks', async () => {
    registerLibtorchBackend();
    await tf.setBackend('libtorch');
    const backend = tf.backend() as LibtorchBackend;
    const model = referenceModel();
    const step = trainer(model);
    const x = tf.randomUniform([8, IMAGE, IMAGE, 1], 0, 1, 'float32', 3);
    const loss = () => tf.tidy(() => tf.losses.meanSquaredError(x, infer(model, x)).dataSync()[0]);
    const first = loss();
    for (let i = 0; i < 3; i++) step(x);
    const counts = { tfjs: tf.memory().numTensors, native: backend.numNativeTensors() };
    for (let i = 0; i < 50; i++) step(x);
    assert.deepEqual({ tfjs: tf.memory().numTensors, native: backend.numNativeTensors() }, counts);
    assert.ok(loss() < first, 'the loss decreases');
    assert.deepEqual(fallbackKernelsUsed(), []);
    model.dispose();
    x.dispose();
  });
});
