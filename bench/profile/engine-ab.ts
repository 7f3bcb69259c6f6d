// A/B timing of engine variants in one process (docs/engine.md): rounds alternate the variants so
// that all see the same machine load; the best round of each counts. Absolute figures on a loaded
// machine mean little; the ratios between variants of one run are what this measures.
//   npx tsx bench/profile/engine-ab.ts [--threads 2] [--rounds 5] [--steps 20] [--only adam,inputgrad,channel]
import * as tf from '@tensorflow/tfjs-core';
import { benchArgs } from '../lib/args.js';
import { loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { IMAGE, infer, referenceModel, trainer } from '../reference-model.js';

const { values: o } = benchArgs(import.meta.url, {
  options: { threads: { type: 'string', default: '2' }, rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '20' }, only: { type: 'string', default: '' } },
});
const steps = Number(o.steps), rounds = Number(o.rounds);
registerLibtorchBackend({ threads: Number(o.threads) });
await tf.setBackend('libtorch');
const addon = loadAddon();
const x = tf.randomUniform([64, IMAGE, IMAGE, 1], 0, 1, 'float32', 1);
const model = referenceModel();
const sync = async () => { await tf.tidy(() => tf.sum(model.getWeights()[0])).data(); };
const train = { tfjs: trainer(model, 1e-3, 'tfjs'), memae: trainer(model, 1e-3, 'memae') };
const inferStep = () => infer(model, x).dispose();

interface Variant { group: string; name: string; setup: () => void; step: () => void; samplesPerStep: number }
const defaults = () => { addon.setConvInputGradMode(2); addon.setChannelKernels(true); };
const all: Variant[] = [
  { group: 'adam', name: 'train, tf.train.adam', setup: defaults, step: () => train.tfjs(x), samplesPerStep: 64 },
  { group: 'adam', name: 'train, memae adam (fused)', setup: defaults, step: () => train.memae(x), samplesPerStep: 64 },
  ...(['train', 'infer'] as const).flatMap((kind) => ([[0, 'im2col transposed'], [1, 'oneDNN backward'], [2, 'default (oneDNN, im2col < 4 ch)'], [3, 'sub-pixel where it applies']] as const).map(([mode, what]) => ({
    group: 'inputgrad', name: `${kind}, input grad ${what}`, setup: () => addon.setConvInputGradMode(mode),
    step: kind === 'train' ? () => train.memae(x) : inferStep, samplesPerStep: 64,
  }))),
  // one-pass per-channel batch norm and bias add (native/rows.cc) vs ATen's broadcasting ops
  ...(['train', 'infer'] as const).flatMap((kind) => [true, false].map((on) => ({
    group: 'channel', name: `${kind}, channel kernels ${on ? 'on' : 'off'}`, setup: () => { defaults(); addon.setChannelKernels(on); },
    step: kind === 'train' ? () => train.memae(x) : inferStep, samplesPerStep: 64,
  }))),
];
const only = o.only ? o.only.split(',') : undefined;
const variants = all.filter((v) => !only || only.includes(v.group));
const best = new Map<string, number>();
for (const v of variants) { v.setup(); for (let i = 0; i < 3; i++) v.step(); }
await sync();
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    v.setup();
    const n = v.name.startsWith('infer') ? steps * 4 : steps;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) v.step();
    await sync();
    const rate = (v.samplesPerStep * n) / ((performance.now() - t0) / 1000);
    best.set(v.name, Math.max(best.get(v.name) ?? 0, rate));
  }
}
defaults();
console.log(`${o.threads} threads, best of ${rounds} rounds of ${steps} training / ${steps * 4} inference steps`);
for (const [name, rate] of best) console.log(`${name.padEnd(34)} ${rate.toFixed(0).padStart(8)} samples/s`);
