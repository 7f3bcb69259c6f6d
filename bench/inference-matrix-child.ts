// The libtorch side of one inference-matrix cell (bench/inference-matrix.ts bundles it and runs it as plain node,
// one fresh process per cell and round, as it runs bench/inference_matrix_torch.py). Prints one JSON line:
// mean us per batch over the first --first batches of the process, and over --steady batches after --warm.
// Paths: predict = model.predict(x) read back; apply = model.apply(x, {training: false}) in tidy, read back;
// score = memae's scoreModel (after its first batch: the values written to the recorded native plan, forward and
// per-sample error replayed, scores read back), the CLI / service path, through the model's cached plan; rebuild = the
// same with the plan built again for every call (scoreModel before the plan was cached per model); folded = the
// inference plan (batch norm folded into the convolutions) in tidy, read back, op by op (MEMAE_REPLAY=0); replay = the
// same plan replayed natively (one N-API call per batch after the first, which records it). score and rebuild replay
// unless MEMAE_REPLAY=0 is in the environment. train = one training step (mean squared reconstruction error, Adam 1e-3)
// through memae's training step (train/step.ts: recorded at the second step, replayed natively from the third).
// --probe: one convolution only (run with ONEDNN_VERBOSE=1 to see oneDNN's ISA).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { benchArgs } from './lib/args.js';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { ArrayDataset } from '../packages/memae/src/data/dataset.js';
import { buildModel } from '../packages/memae/src/models/build.js';
import { resolveConfig, type ModelConfig } from '../packages/memae/src/models/config.js';
import { scoreModel } from '../packages/memae/src/score/score.js';
import { buildInferencePlan, inferenceOutputs, releaseInferencePlan } from '../packages/memae/src/models/inference-plan.js';
import { referenceModel, trainer } from './reference-model.js';

const { values: o } = benchArgs(import.meta.url, {
  options: {
    model: { type: 'string', default: 'ref' }, batch: { type: 'string', default: '64' }, path: { type: 'string', default: 'apply' },
    threads: { type: 'string', default: '2' }, first: { type: 'string', default: '50' }, warm: { type: 'string', default: '500' },
    steady: { type: 'string', default: '100' }, probe: { type: 'boolean', default: false },
  },
});
const [batch, first, warm, steady] = [Number(o.batch), Number(o.first), Number(o.warm), Number(o.steady)];
if (o.path === 'folded') process.env.MEMAE_REPLAY = '0';
registerLibtorchBackend({ threads: Number(o.threads) });
await tf.setBackend('libtorch');

if (o.probe) {
  tf.tidy(() => tf.conv2d(tf.ones([8, 28, 28, 32]) as tf.Tensor4D, tf.ones([3, 3, 32, 32]) as tf.Tensor4D, 1, 'same').dataSync());
  console.log(JSON.stringify({ probe: true }));
  process.exit(0);
}

/** The model and its config (the config only feeds memae's scoring: input shape and data kind). */
function build(name: string): { model: tfl.LayersModel; cfg: ModelConfig } {
  if (name === 'ref') return { model: referenceModel(), cfg: resolveConfig({ kind: 'image', variant: 'ae', inputShape: [28, 28, 1] }) };
  const cfg = name === 'cifar' ? resolveConfig({ kind: 'image', variant: 'ae', inputShape: [32, 32, 3] })
    : name === 'video3d' ? resolveConfig({ kind: 'video', variant: 'ae', inputShape: [16, 64, 64, 1] })
      : undefined;
  if (!cfg) throw new Error(`unknown model ${name}`);
  return { model: buildModel(cfg), cfg };
}

const { model, cfg } = build(String(o.model));
const shape = [batch, ...cfg.inputShape];
const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 2654435761) % 1000) / 1000);
const x = tf.tensor(values, shape);
const data = new ArrayDataset(values, cfg.inputShape);
const readBack = (y: tf.Tensor) => { y.dataSync(); y.dispose(); };
const steps: Record<string, () => Promise<void> | void> = {
  predict: () => readBack(model.predict(x) as tf.Tensor),
  apply: () => readBack(tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor)),
  score: async () => { await scoreModel(model, cfg, data, { batchSize: batch }); },
  rebuild: async () => { releaseInferencePlan(model); await scoreModel(model, cfg, data, { batchSize: batch }); },
  folded: () => readBack(tf.tidy(() => inferenceOutputs(model, plan, x)[0])),
  replay: () => readBack(tf.tidy(() => inferenceOutputs(model, plan, x)[0])),
  train: () => train(x),
};
const train = o.path === 'train' ? trainer(model) : () => {};
const plan = o.path === 'folded' || o.path === 'replay' ? buildInferencePlan(model, { unfolded: true }) : null;
const step = steps[String(o.path)];
if (!step) throw new Error(`unknown path ${o.path}`);

// wall time and this process's CPU time (all threads) per batch: CPU time moves less with other jobs' load
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
let [t0, c0] = [performance.now(), cpu()];
await step();
// after the first batch: scoreModel's first call builds the model's cached plan, which then stays
const tensorsBefore = tf.memory().numTensors;
for (let i = 1; i < first; i++) await step();
const [firstUs, firstCpuUs] = [(performance.now() - t0) / first * 1000, (cpu() - c0) / first * 1000];
for (let i = first; i < warm; i++) await step();
[t0, c0] = [performance.now(), cpu()];
for (let i = 0; i < steady; i++) await step();
const [steadyUs, steadyCpuUs] = [(performance.now() - t0) / steady * 1000, (cpu() - c0) / steady * 1000];
console.log(JSON.stringify({ side: 'libtorch', firstUs, steadyUs, firstCpuUs, steadyCpuUs, tensorGrowth: tf.memory().numTensors - tensorsBefore }));
