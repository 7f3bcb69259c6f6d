// Kernels per step on the libtorch backend (load-independent figures, docs/engine.md): the reference
// model (bench/reference-model.ts) trained with tfjs' own Adam and with memae's fused Adam, and run
// for inference; and one training step of memae's default image model (batch 16, 28x28x1) and video
// model (batch 2, 8x32x32x1) as memae's trainer runs it.
// Usage: npx tsx bench/profile/kernel-count.ts [--names]
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { buildModel, resolveConfig } from '../../packages/memae/src/models/index.js';
import { adam } from '../../packages/memae/src/train/adam.js';
import { computeLoss } from '../../packages/memae/src/train/loss.js';
import { lossWeights } from '../../packages/memae/src/train/trainer.js';
import { IMAGE, infer, referenceModel, trainer } from '../reference-model.js';

const { values: o } = benchArgs(import.meta.url, { options: { names: { type: 'boolean', default: false } } });
registerLibtorchBackend();
await tf.setBackend('libtorch');
const x = tf.randomUniform([64, IMAGE, IMAGE, 1], 0, 1, 'float32', 1);

async function count(what: string, f: () => void): Promise<void> {
  f(); // first call creates optimizer state and warms caches
  const p = await tf.profile(f);
  const hist = new Map<string, number>();
  for (const k of p.kernels) hist.set(k.name, (hist.get(k.name) ?? 0) + 1);
  console.log(`${what.padEnd(34)} ${String(p.kernels.length).padStart(5)} kernels`);
  if (o.names) console.log(`  ${[...hist].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}`).join(', ')}`);
}

const model = referenceModel();
const tfjsStep = trainer(model, 1e-3, 'tfjs'), memaeStep = trainer(model, 1e-3, 'memae');
await count('train step, tf.train.adam', () => tfjsStep(x));
await count('train step, memae adam (fused)', () => memaeStep(x));
await count('inference step', () => infer(model, x).dispose());

for (const [kind, inputShape, n] of [['image', [28, 28, 1], 16], ['video', [8, 32, 32, 1], 2]] as const) {
  const cfg = resolveConfig({ kind, inputShape: [...inputShape] });
  const m = buildModel(cfg);
  const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const opt = adam(1e-4);
  const xm = tf.randomUniform([n, ...inputShape], 0, 1, 'float32', 3);
  await count(`memae ${kind} model, train step`, () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => computeLoss(m, xm, lossWeights(cfg), true).total, vars);
    opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
  }));
}
