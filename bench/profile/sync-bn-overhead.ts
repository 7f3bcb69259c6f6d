// The compute cost of synchronised batch norm's own arithmetic, without any collective: one process trains the
// image MemAE with memae's fused batch norm, and with the synchronised path over a one-rank "group" (the global
// statistics are this rank's), interleaved in blocks; CPU ms per step of each and the ratio. What is left of the
// sync-BN cost in bench/distributed.ts beyond this is the collectives (2 per layer and step) and their waits.
// Usage: npx tsx bench/profile/sync-bn-overhead.ts [--batch 32] [--blocks 6] [--steps 10]   [--model image|video] [--size 32]  (bench/results/sync-bn-overhead-<model>.json)
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { initBackend } from '../../packages/memae/src/backend/select.js';
import { batchNormLayers, type BatchNormSync } from '../../packages/memae/src/models/batch-norm-layer.js';
import { buildModel, resolveConfig } from '../../packages/memae/src/models/index.js';
import { computeLoss } from '../../packages/memae/src/train/loss.js';
import { adam } from '../../packages/memae/src/train/adam.js';
import { markdownTable, writeResults } from '../lib/results.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    model: { type: 'string', default: 'image' }, // image | video (the official 3D MemAE at --size, 16 frames)
    size: { type: 'string', default: '32' },
    batch: { type: 'string', default: '32' }, blocks: { type: 'string', default: '6' }, steps: { type: 'string', default: '10' },
  },
});
await initBackend('libtorch');
const alone: BatchNormSync = {
  stats: (count, mean, variance) => ({ count, mean: Float64Array.from(mean), variance: Float64Array.from(variance) }),
  gradSums: (sumDy, sumDyXhat) => ({ sumDy: Float64Array.from(sumDy), sumDyXhat: Float64Array.from(sumDyXhat) }),
};
const video = a.model === 'video';
const shape = video ? [16, Number(a.size), Number(a.size), 1] : [28, 28, 1];
const cfg = resolveConfig({ kind: video ? 'video' : 'image', variant: 'memae', inputShape: shape, ...(video ? { encoderChannels: [96, 128, 256, 256] } : {}) });
const model = buildModel(cfg);
const layers = batchNormLayers(model);
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
const opt = adam(1e-4);
const x = tf.randomUniform([Number(a.batch), ...shape], 0, 1, 'float32', 1);
const cpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const step = () => tf.tidy(() => {
  const { grads } = tf.variableGrads(() => computeLoss(model, x, cfg.entropyWeight, true).total, vars);
  opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
});
const totals = { fused: 0, sync: 0 };
for (let b = -1; b < Number(a.blocks); b++) {
  for (const mode of (b % 2 ? ['fused', 'sync'] : ['sync', 'fused']) as ('fused' | 'sync')[]) {
    for (const l of layers) l.sync = mode === 'sync' ? alone : undefined;
    const t0 = cpuMs();
    for (let s = 0; s < Number(a.steps); s++) step();
    if (b >= 0) totals[mode] += cpuMs() - t0; // block -1 warms up
  }
}
const n = Number(a.blocks) * Number(a.steps);
const out = { command: `npx tsx bench/profile/sync-bn-overhead.ts ${process.argv.slice(2).join(' ')}`, model: a.model, batch: Number(a.batch), layers: layers.length, steps: n, fusedCpuMsPerStep: totals.fused / n, syncCpuMsPerStep: totals.sync / n, ratio: totals.sync / totals.fused };
const md = `# Synchronised batch norm's arithmetic without collectives (${a.model} MemAE, one process, CPU ms per step)\n\nCommand: \`${out.command}\`\n\n` + markdownTable(
  ['batch', 'batch-norm layers', 'fused batch norm', 'synchronised path (1 rank)', 'ratio'],
  [[String(out.batch), String(out.layers), out.fusedCpuMsPerStep.toFixed(2), out.syncCpuMsPerStep.toFixed(2), out.ratio.toFixed(3)]],
);
writeResults(`sync-bn-overhead-${a.model}`, out, md);
console.log(md);
