// Where an inference step of the reference model spends its time (docs/engine.md): every addon
// function is wrapped with a timer; the rest of the step is tfjs' engine and this backend's JS.
//   npx tsx bench/profile/infer-profile.ts [--threads 2] [--steps 200] [--batch 64] [--per-call]
import * as tf from '@tensorflow/tfjs-core';
import { timeAddonCalls } from './addon-timer.js';
import { benchArgs } from '../lib/args.js';
import { loadAddon, registerLibtorchBackend } from 'tfjs-backend-libtorch';
import { IMAGE, infer, referenceModel } from '../reference-model.js';

const { values: o } = benchArgs(import.meta.url, { options: { threads: { type: 'string', default: '2' }, steps: { type: 'string', default: '200' }, batch: { type: 'string', default: '64' }, 'per-call': { type: 'boolean', default: false } } });
const steps = Number(o.steps);
registerLibtorchBackend({ threads: Number(o.threads) });
await tf.setBackend('libtorch');
const addon = loadAddon();
const spent = new Map<string, { ms: number; calls: number }>();
let timing = false;
let callIndex = 0;
timeAddonCalls(addon, () => timing, (name, ms) => {
  const key = o['per-call'] ? `${String(callIndex++).padStart(2)} ${name}` : name;
  const s = spent.get(key) ?? { ms: 0, calls: 0 };
  s.ms += ms;
  s.calls++;
  spent.set(key, s);
});
const model = referenceModel();
const x = tf.randomUniform([Number(o.batch), IMAGE, IMAGE, 1], 0, 1, 'float32', 1);
for (let i = 0; i < 20; i++) infer(model, x).dispose();
timing = true;
const t0 = performance.now();
for (let i = 0; i < steps; i++) {
  callIndex = 0;
  infer(model, x).dispose();
}
const total = (performance.now() - t0) / steps;
let native = 0;
console.log(`${o.threads} threads, ${steps} inference steps: ${(total * 1000).toFixed(0)} us per step`);
const rows = [...spent].sort((a, b) => (o['per-call'] ? a[0].localeCompare(b[0]) : b[1].ms - a[1].ms));
for (const [name, s] of rows) {
  native += s.ms / steps;
  console.log(`  ${name.padEnd(16)} ${((s.ms / steps) * 1000).toFixed(0).padStart(6)} us  ${(s.calls / steps).toFixed(1)} calls`);
}
console.log(`  outside the addon ${((total - native) * 1000).toFixed(0)} us`);
