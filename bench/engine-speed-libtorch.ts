// libtorch side of the engine speed benchmark (bench/engine-speed.ts runs it, one process per
// round, as it runs engine_speed_torch.py): the reference model trained and run for inference on
// the libtorch backend; prints one JSON line: samples/s, peak RSS, and (with --leak-steps) the
// tfjs and native tensor counts over that many training steps.
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from './lib/args.js';
import { engineModelOptions } from './lib/engine-options.js';
import { LibtorchBackend, loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { IMAGE, infer, referenceModel, trainer } from './reference-model.js';

const { values: o } = benchArgs(import.meta.url, {
  options: {
    ...engineModelOptions,
    'leak-steps': { type: 'string', default: '0' },
    nchw: { type: 'boolean', default: false },
  },
});
const batch = Number(o.batch), trainSteps = Number(o['train-steps']), inferSteps = Number(o['infer-steps']);
const leakSteps = Number(o['leak-steps']), warmup = Number(o.warmup);
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

// Resident memory once the runtimes are loaded (node + tfjs + libtorch).
registerLibtorchBackend({ threads: Number(o.threads) });
await tf.setBackend('libtorch');
const baseRssMb = maxRssMb();
if (o.nchw) loadAddon().setConvChannelsLast(false);
const backend = tf.backend() as LibtorchBackend;
const model = referenceModel();
const step = trainer(model);
const x = tf.randomUniform([batch, IMAGE, IMAGE, 1], 0, 1, 'float32', 1);
const sync = async () => { await tf.tidy(() => tf.sum(model.getWeights()[0])).data(); };

for (let i = 0; i < warmup; i++) step(x);
await sync();
let t0 = performance.now();
for (let i = 0; i < trainSteps; i++) step(x);
await sync();
const train = (batch * trainSteps) / ((performance.now() - t0) / 1000);
for (let i = 0; i < warmup; i++) infer(model, x).dispose();
t0 = performance.now();
for (let i = 0; i < inferSteps; i++) {
  const y = infer(model, x);
  if (i === inferSteps - 1) await y.data();
  y.dispose();
}
const inferRate = (batch * inferSteps) / ((performance.now() - t0) / 1000);

// Tensor counts over many training steps: both must stay flat (no leaks). Counts do not depend on
// the batch size, so this phase uses batches of 8 to keep the run short.
const counts: { step: number; tfjs: number; native: number }[] = [];
if (leakSteps > 0) {
  const x8 = tf.randomUniform([8, IMAGE, IMAGE, 1], 0, 1, 'float32', 2);
  for (let i = 1; i <= leakSteps; i++) {
    step(x8);
    if (i === 1 || i % Math.max(1, Math.floor(leakSteps / 10)) === 0) counts.push({ step: i, tfjs: tf.memory().numTensors, native: backend.numNativeTensors() });
  }
}
// Peak resident memory of the whole process, as the PyTorch side reports it.
console.log(JSON.stringify({ train, infer: inferRate, peakRssMb: maxRssMb(), baseRssMb, counts }));
