// Where one step of the official video model goes on the libtorch backend, kernel by kernel (tf.profile):
// total ms per kernel name (and per input shape with --shapes), kernel count, step wall time.
// Usage: LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/video-profile.ts [--mode train|score] [--size 128] [--batch 2] [--shapes]
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { buildModel, resolveConfig } from '../../packages/memae/src/models/index.js';
import { adam } from '../../packages/memae/src/train/adam.js';
import { computeLoss } from '../../packages/memae/src/train/loss.js';
import { lossWeights } from '../../packages/memae/src/train/trainer.js';

const { values: o } = benchArgs(import.meta.url, {
  options: {
    mode: { type: 'string', default: 'train' }, size: { type: 'string', default: '128' },
    batch: { type: 'string', default: '2' }, shapes: { type: 'boolean', default: false },
  },
});
registerLibtorchBackend();
await tf.setBackend('libtorch');
const size = Number(o.size), n = Number(o.batch);
const cfg = resolveConfig({ kind: 'video', variant: 'memae', inputShape: [16, size, size, 1], slots: 2000 }); // the official memory, as PyTorch's profile
const m = buildModel(cfg);
const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
const opt = adam(1e-4);
const x = tf.randomUniform([n, 16, size, size, 1], -1, 1, 'float32', 3);
const step = o.mode === 'train'
  ? () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => computeLoss(m, x, lossWeights(cfg), true).total, vars);
    opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
  })
  : () => tf.tidy(() => { (m.predict(x) as tf.Tensor[])[0].dataSync(); });
step();
let t = performance.now();
step();
console.log(`step ${(performance.now() - t).toFixed(0)} ms (no profiler)`);
t = performance.now();
const p = await tf.profile(step);
const wall = performance.now() - t;
const hist = new Map<string, { ms: number; n: number }>();
let total = 0;
for (const k of p.kernels) {
  const ms = k.kernelTimeMs as number;
  total += ms;
  const key = o.shapes ? `${k.name} ${k.inputShapes.map((s) => `[${s?.join('x')}]`).join(' ')}` : k.name;
  const h = hist.get(key) ?? { ms: 0, n: 0 };
  h.ms += ms; h.n += 1; hist.set(key, h);
}
console.log(`${p.kernels.length} kernels, ${total.toFixed(0)} ms in kernels, ${wall.toFixed(0)} ms wall (profiled)`);
for (const [k, h] of [...hist].sort((a, b) => b[1].ms - a[1].ms).slice(0, 45)) console.log(`${h.ms.toFixed(1).padStart(9)} ms ${String(h.n).padStart(4)}x  ${k}`);
