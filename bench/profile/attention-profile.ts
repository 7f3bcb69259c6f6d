// Profile of MAMA Net's attention block on the libtorch backend: kernels per training step and inference
// step of the "MemAE + attention" image model (28x28x1), with the time spent per kernel name (tf.profile), and
// the wall time per step. Also lists any kernel that fell back to the tfjs cpu backend.
// Usage: npx tsx bench/profile/attention-profile.ts [--batch 32] [--steps 9] [--variant memae|mama|ae] [--no-attention]
//   [--memory-query code|location] [--slots N] [--shapes] [--top 15]
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { registerLibtorchBackend, fallbackKernelsUsed } from 'tfjs-backend-libtorch';
import { buildModel, resolveConfig } from '../../packages/memae/src/models/index.js';
import { adam } from '../../packages/memae/src/train/adam.js';
import { computeLoss } from '../../packages/memae/src/train/loss.js';
import { lossWeights } from '../../packages/memae/src/train/trainer.js';

const { values: o } = benchArgs(import.meta.url, {
  options: {
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '9' },
    variant: { type: 'string', default: 'memae' },
    'no-attention': { type: 'boolean', default: false },
    top: { type: 'string', default: '15' },
    shapes: { type: 'boolean', default: false },
    'memory-query': { type: 'string' },
    slots: { type: 'string' },
  },
});
registerLibtorchBackend();
await tf.setBackend('libtorch');
const batch = Number(o.batch), steps = Number(o.steps), top = Number(o.top);
const attention = !o['no-attention'];
const cfg = resolveConfig({
  kind: 'image', inputShape: [28, 28, 1], variant: o.variant as 'memae', ...(o.variant === 'ae' && !attention ? {} : { attention }),
  ...(o['memory-query'] ? { memoryQuery: o['memory-query'] as 'code' } : {}), ...(o.slots ? { slots: Number(o.slots) } : {}),
});
const model = buildModel(cfg);
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
const opt = adam(1e-3);
const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 3);
const trainStep = () => tf.tidy(() => {
  const { grads } = tf.variableGrads(() => computeLoss(model, x, lossWeights(cfg), true).total, vars);
  opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
});
const inferStep = () => tf.tidy(() => { (model.predict(x) as tf.Tensor[] | tf.Tensor); });

async function profile(what: string, f: () => void): Promise<void> {
  f(); // warm-up: optimizer state, caches
  const p = await tf.profile(f);
  const hist = new Map<string, { n: number; ms: number }>();
  for (const k of p.kernels) {
    const key = o.shapes ? `${k.name} ${JSON.stringify(k.inputShapes)}` : k.name;
    const h = hist.get(key) ?? { n: 0, ms: 0 };
    h.n++; h.ms += Number(k.kernelTimeMs) || 0;
    hist.set(key, h);
  }
  // per-step wall times; the median resists other jobs on a shared machine
  const times: number[] = [];
  for (let i = 0; i < steps; i++) { const t0 = performance.now(); f(); times.push(performance.now() - t0); }
  const ms = times.sort((a, b) => a - b)[Math.floor(steps / 2)];
  const total = [...hist.values()].reduce((s, h) => s + h.ms, 0);
  console.log(`${what}: ${p.kernels.length} kernels, ${ms.toFixed(1)} ms/step median, min ${times[0].toFixed(1)} (${(batch * 1000 / ms).toFixed(0)} img/s), kernel time ${total.toFixed(1)} ms`);
  for (const [n, h] of [...hist].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.log(`  ${n.padEnd(o.shapes ? 60 : 28)} ${String(h.n).padStart(5)} x  ${h.ms.toFixed(2).padStart(8)} ms`);
  }
}

console.log(`variant ${o.variant}, attention ${attention}, batch ${batch}, memoryQuery ${cfg.memoryQuery}, slots ${cfg.slots}`);
await profile('train step', trainStep);
await profile('inference step', inferStep);
console.log(`cpu fallbacks: ${fallbackKernelsUsed().join(', ') || 'none'}`);
