// Why 2 ranks at half the batch do not run twice as fast: in ONE process, steps at the full batch and at
// half the batch, interleaved (so that the machine's load hits both alike), split into forward+backward and
// optimizer; plus the process's threads and CPU time per wall time (a spinning pool shows as > 1 at 1 thread).
// Usage: LIBTORCH_NUM_THREADS=1 npx tsx bench/profile/dist-batch-split.ts [--model image|video] [--batch 64] [--steps 20] [--json FILE]
// fixedCpuMs / perSampleCpuMs: the line through the two batch sizes' forward+backward CPU time (step = fixed + B * per sample).
import * as tf from '@tensorflow/tfjs-core';
import { appendFileSync, readdirSync } from 'node:fs';
import { benchArgs } from '../lib/args.js';
import { initBackend } from '../../packages/memae/src/backend/select.js';
import { buildModel, resolveConfig } from '../../packages/memae/src/models/index.js';
import { computeLoss } from '../../packages/memae/src/train/loss.js';
import { lossWeights } from '../../packages/memae/src/train/trainer.js';
import { adam } from '../../packages/memae/src/train/adam.js';
import { threadCpu, threadDelta } from '../lib/stage-timer.js';
import { referenceModel } from '../reference-model.js';

const { values: a } = benchArgs(import.meta.url, { options: { model: { type: 'string', default: 'image' }, batch: { type: 'string', default: '64' }, steps: { type: 'string', default: '20' }, size: { type: 'string', default: '32' }, json: { type: 'string' } } });
await initBackend('libtorch');
const B = Number(a.batch), steps = Number(a.steps);
let loss: (x: tf.Tensor) => tf.Scalar, vars: tf.Variable[], shape: number[];
if (a.model === 'image') {
  const m = referenceModel(1);
  vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  loss = (x) => tf.losses.meanSquaredError(x, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  shape = [28, 28, 1];
} else {
  const s = Number(a.size);
  const cfg = resolveConfig({ kind: 'video', variant: 'memae', inputShape: [16, s, s, 1], encoderChannels: [96, 128, 256, 256] });
  const m = buildModel(cfg);
  vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  loss = (x) => computeLoss(m, x, lossWeights(cfg), true).total as tf.Scalar;
  shape = cfg.inputShape;
}
const opt = adam(1e-4);
const xs = { full: tf.randomUniform([B, ...shape], 0, 1, 'float32', 1), half: tf.randomUniform([B / 2, ...shape], 0, 1, 'float32', 2) };
const t: Record<string, { fb: number[]; opt: number[] }> = { full: { fb: [], opt: [] }, half: { fb: [], opt: [] } };
const cpu0 = process.cpuUsage(), w0 = performance.now(), th0 = threadCpu();
for (let s = 0; s < 2 * steps + 4; s++) {
  const k = s % 2 === 0 ? 'full' : 'half';
  tf.tidy(() => {
    // CPU time of the process (1 compute thread): robust to a loaded machine, unlike wall time
    const c0 = process.cpuUsage();
    const { grads } = tf.variableGrads(() => loss(xs[k]), vars);
    const c1 = process.cpuUsage(c0);
    opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    vars[0].dataSync();
    const c2 = process.cpuUsage(c0);
    const ms = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
    if (s >= 4) { t[k].fb.push(ms(c1)); t[k].opt.push(ms(c2) - ms(c1)); }
  });
}
const cpu = process.cpuUsage(cpu0), wall = performance.now() - w0;
// CPU ms of every thread but the main one (the first listed is the busiest: the main thread)
const others = Object.values(threadDelta(th0, threadCpu())).slice(1).reduce((p, q) => p + q, 0);
const med = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
const r = {
  model: a.model, batch: B, fbFullCpuMs: med(t.full.fb), fbHalfCpuMs: med(t.half.fb), optCpuMs: med(t.full.opt),
  halfOverFull: med(t.half.fb) / med(t.full.fb),
  perSampleCpuMs: (med(t.full.fb) - med(t.half.fb)) / (B - B / 2), fixedCpuMs: 2 * med(t.half.fb) - med(t.full.fb),
  threads: readdirSync('/proc/self/task').length, otherThreadsCpuMs: others, mainThreadCpuMs: Object.values(threadDelta(th0, threadCpu()))[0], cpuPerWall: (cpu.user + cpu.system) / 1000 / wall,
};
console.log(JSON.stringify(r));
// one JSON line per run, appended (runs of one session side by side)
if (a.json) appendFileSync(a.json, `${JSON.stringify({ date: new Date().toISOString(), ...r })}\n`);
