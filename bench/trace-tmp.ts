import * as tf from '@tensorflow/tfjs';
import { registerLibtorchBackend } from '../packages/tfjs-backend-libtorch/src/index.js';
import { referenceModel, trainer, infer } from '../bench/reference-model.js';
registerLibtorchBackend({ threads: 2 });
await tf.setBackend(process.argv[2] ?? 'libtorch');
const model = referenceModel();
const step = trainer(model);
const x = tf.randomUniform([64, 28, 28, 1]);
const n = Number(process.argv[3] ?? 3);
for (let i = 0; i < 2; i++) step(x);
let t0 = performance.now();
for (let i = 0; i < n; i++) step(x);
await tf.ready(); (await tf.zeros([1]).data());
let dt = performance.now() - t0;
console.log('train samples/s', (64 * n / dt * 1000).toFixed(1));
t0 = performance.now();
for (let i = 0; i < n; i++) { const y = infer(model, x); await y.data(); y.dispose(); }
dt = performance.now() - t0;
console.log('infer samples/s', (64 * n / dt * 1000).toFixed(1), tf.memory().numTensors);
